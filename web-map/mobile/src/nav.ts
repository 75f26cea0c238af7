// Navigation within the app (History API), apart from main.ts so views can navigate without
// importing the shell that imports them.
let render: () => void = () => undefined

export function setRenderer(f: () => void): void {
  render = f
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  render()
}
