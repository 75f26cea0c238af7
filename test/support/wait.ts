// Polls a condition: for effects that arrive asynchronously (notifications, streams).
export async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) if (check()) return true
  return check()
}
