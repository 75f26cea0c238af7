// The live player: a muted <video> fed by hls.js, loaded the first time a stream is played so
// the command screen's first load does not carry it. A browser that plays HLS itself (Safari)
// is given the playlist directly. snapshot() grabs the frame on screen as a JPEG data URL
// (the stream comes from our own origin, so the canvas is not tainted).
import type Hls from 'hls.js'
import { el } from '../../ui/dom.ts'

export class LivePlayer {
  readonly video = el('video', { className: 'camera-video', muted: true, autoplay: true, playsInline: true, controls: true })
  readonly status = el('p', { className: 'camera-status', role: 'status' })
  readonly element = el('div', { className: 'camera-player' }, this.video, this.status)
  private hls: Hls | null = null

  /** Plays an HLS playlist URL (our /api/v1/cameras/{id}/live/… path). */
  async play(url: string, title: string): Promise<void> {
    this.stop()
    this.status.textContent = `正在连接：${title}`
    this.element.dataset.state = 'loading'
    const { default: HlsJs } = await import('hls.js/light')
    if (HlsJs.isSupported()) {
      const hls = new HlsJs({ lowLatencyMode: true, backBufferLength: 30 })
      this.hls = hls
      hls.on(HlsJs.Events.ERROR, (_e, data) => {
        if (!data.fatal || this.hls !== hls) return
        this.status.textContent = `视频流中断（${data.details}）`
        this.element.dataset.state = 'error'
      })
      hls.loadSource(url)
      hls.attachMedia(this.video)
    } else if (this.video.canPlayType('application/vnd.apple.mpegurl')) {
      this.video.src = url
    } else {
      this.status.textContent = '此浏览器不能播放 HLS 视频'
      this.element.dataset.state = 'error'
      return
    }
    this.video.addEventListener('playing', () => {
      this.status.textContent = `正在播放：${title}`
      this.element.dataset.state = 'playing'
    }, { once: true })
    await this.video.play().catch(() => undefined)
  }

  stop(): void {
    this.hls?.destroy()
    this.hls = null
    this.video.removeAttribute('src')
    this.video.load()
    this.status.textContent = ''
    delete this.element.dataset.state
  }

  /** The frame on screen, or null before the first frame. */
  snapshot(): string | null {
    const { videoWidth: w, videoHeight: h } = this.video
    if (!w || !h) return null
    const canvas = el('canvas', { width: w, height: h })
    canvas.getContext('2d')!.drawImage(this.video, 0, 0, w, h)
    return canvas.toDataURL('image/jpeg', 0.85)
  }
}
