// hls.js ships its light build (no alternate audio, subtitles, DRM: a camera needs none, and it
// is a third smaller) without a declaration of its own; its API is the full build's.
declare module 'hls.js/light' {
  import Hls from 'hls.js'
  export default Hls
}
