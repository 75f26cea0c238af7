// 随手拍 / 我要反映: a description, up to three photos (camera or album), the phone's position
// (navigator.geolocation: WGS84, sent as crs EPSG:4326; a tap on the small map moves it and is
// WGS84 too), phone + SMS code, then POST /reports as multipart. The answer's number is shown
// and its follow token kept in localStorage, so 进度查询 opens it without a new code.
import { call, errorText, keepToken, type Reported } from './api.ts'
import { miniMap } from './miniMap.ts'
import { busy, codeFields, el, field, markInvalid, messageLine } from './ui.ts'

const MAX_PHOTOS = 3
const MAX_BYTES = 10 * 1024 * 1024
const TYPES = ['image/jpeg', 'image/png', 'image/webp']

export function reportView(go: (path: string) => void): HTMLElement {
  const show = messageLine()
  const description = el('textarea', { name: 'description', rows: 4, maxLength: 500, placeholder: '请描述您看到的问题，例如：某路口井盖缺失，存在安全隐患' })
  const counter = el('span', { className: 'field-hint' }, '0/500')
  description.addEventListener('input', () => { counter.textContent = `${description.value.trim().length}/500` })

  // photos: the camera (capture) or the album, both into one list of at most three
  const photos: File[] = []
  const thumbs = el('div', { className: 'thumbs' })
  const camera = el('input', { type: 'file', accept: TYPES.join(','), className: 'file-input', name: 'camera' })
  camera.setAttribute('capture', 'environment')
  const album = el('input', { type: 'file', accept: TYPES.join(','), multiple: true, className: 'file-input', name: 'album' })
  const drawThumbs = () => {
    thumbs.replaceChildren(...photos.map((f, i) => {
      const url = URL.createObjectURL(f)
      const img = el('img', { src: url, alt: `照片 ${i + 1}` })
      img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true })
      const remove = el('button', { type: 'button', className: 'thumb-remove', ariaLabel: `删除照片 ${i + 1}` }, '×')
      remove.addEventListener('click', () => { photos.splice(i, 1); drawThumbs() })
      return el('div', { className: 'thumb' }, img, remove)
    }))
    thumbs.dataset.count = String(photos.length)
    photoButtons.hidden = photos.length >= MAX_PHOTOS
  }
  const take = (input: HTMLInputElement) => {
    show.clear()
    for (const f of [...(input.files ?? [])]) {
      if (photos.length >= MAX_PHOTOS) { show.error(`最多上传 ${MAX_PHOTOS} 张照片`); break }
      if (!TYPES.includes(f.type)) { show.error(`“${f.name}”不是 JPEG、PNG 或 WebP 图片`); continue }
      if (f.size > MAX_BYTES) { show.error(`“${f.name}”超过 10 MB，请换一张或压缩后再传`); continue }
      photos.push(f)
    }
    input.value = ''
    drawThumbs()
  }
  camera.addEventListener('change', () => take(camera))
  album.addEventListener('change', () => take(album))
  const photoButtons = el('div', { className: 'photo-buttons' },
    el('label', { className: 'btn btn-secondary' }, '拍照', camera),
    el('label', { className: 'btn btn-secondary' }, '从相册选择', album))

  // the place: the phone's position, or a tap on the small map
  let place: { lon: number; lat: number; accuracy: number | null; source: 'gps' | 'map' } | undefined
  const placeText = el('p', { className: 'place-text' }, '尚未获取位置')
  const map = miniMap((lon, lat) => {
    place = { lon, lat, accuracy: null, source: 'map' }
    describePlace()
  })
  map.element.hidden = true
  const describePlace = () => {
    if (!place) return
    const area = map.areaName()
    placeText.textContent = `${place.source === 'gps' ? '当前位置' : '地图选点'}：${area ? `${area}，` : ''}东经 ${place.lon.toFixed(5)}°，北纬 ${place.lat.toFixed(5)}°` +
      (place.accuracy ? `（精度约 ${Math.round(place.accuracy)} 米）` : '')
    placeText.dataset.state = place.source
  }
  const locate = el('button', { type: 'button', className: 'btn btn-secondary locate' }, '获取当前位置')
  locate.addEventListener('click', () => {
    show.clear()
    if (!('geolocation' in navigator)) { show.error('此浏览器不支持定位，请填写详细地址'); return }
    locate.disabled = true
    locate.textContent = '定位中…'
    navigator.geolocation.getCurrentPosition(async (pos) => {
      place = { lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy, source: 'gps' }
      await map.show(place.lon, place.lat, place.accuracy)
      describePlace()
      locate.disabled = false
      locate.textContent = '重新定位'
    }, (err) => {
      locate.disabled = false
      locate.textContent = '获取当前位置'
      show.error(err.code === err.PERMISSION_DENIED ? '未获得定位权限：请在下方示意图上点按问题所在位置，或在浏览器设置中允许定位' : '暂时无法定位：请在下方示意图上点按问题所在位置，或稍后重试')
      if (!place) void map.showCity()
    }, { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 })
  })

  const address = el('input', { type: 'text', name: 'address', maxLength: 200, placeholder: '例如：某某路 12 号门前（选填）' })
  const name = el('input', { type: 'text', name: 'name', maxLength: 50, autocomplete: 'name', placeholder: '选填' })
  const codes = codeFields('report', show)
  const submit = el('button', { type: 'submit', className: 'btn btn-primary submit' }, '提交')

  const form = el('form', { className: 'card form', noValidate: true },
    field('问题描述', description), counter,
    el('div', { className: 'field field-photos' }, el('span', { className: 'field-label' }, `现场照片（最多 ${MAX_PHOTOS} 张）`), thumbs, photoButtons),
    el('div', { className: 'field field-place' }, el('span', { className: 'field-label' }, '问题位置'), placeText, locate, map.element),
    field('详细地址', address), field('您的称呼', name),
    codes.element, show.element, submit)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    show.clear()
    const text = description.value.trim()
    if (text.length < 5) { show.error('请用至少 5 个字描述问题'); markInvalid(description); return }
    if (!place) { show.error('请点“获取当前位置”或在示意图上点按问题位置，以便工作人员找到问题所在'); locate.focus(); return }
    const wrong = codes.check()
    if (wrong) { show.error(wrong.text); markInvalid(wrong.input); return }
    const body = new FormData()
    body.set('description', text)
    body.set('lon', place.lon.toFixed(7))
    body.set('lat', place.lat.toFixed(7))
    body.set('crs', 'EPSG:4326')
    body.set('phone', codes.phone.value.trim())
    body.set('code', codes.code.value.trim())
    if (name.value.trim()) body.set('name', name.value.trim())
    if (address.value.trim()) body.set('address', address.value.trim())
    for (const p of photos) body.append('photos', p, p.name)
    try {
      const done = await busy(submit, '提交中…', () => call<Reported>('/reports', { form: body }))
      keepToken(done.number, done.followToken)
      form.replaceWith(submitted(done, go))
    } catch (err) {
      show.error(errorText(err))
    }
  })
  return el('section', { className: 'report' }, el('h1', {}, '我要反映'),
    el('p', { className: 'lead' }, '看到问题随手拍，提交后可凭诉求编号查询办理进度。'), form)
}

function submitted(done: Reported, go: (path: string) => void): HTMLElement {
  const open = el('button', { type: 'button', className: 'btn btn-primary' }, '查看办理进度')
  open.addEventListener('click', () => go(`/public/follow/${encodeURIComponent(done.number)}`))
  const again = el('button', { type: 'button', className: 'btn btn-secondary' }, '再反映一个问题')
  again.addEventListener('click', () => go('/public/report?new'))
  return el('div', { className: 'card done', role: 'status' },
    el('p', { className: 'done-title' }, '提交成功'),
    el('p', {}, '您的诉求编号'),
    el('p', { className: 'report-number' }, done.number),
    el('p', { className: 'status-line' }, '当前状态：', el('span', { className: 'badge' }, done.statusName)),
    el('p', { className: 'field-hint' }, '请记下编号。本机 30 天内可直接查看进度，换手机时凭编号和手机验证码查询。'),
    open, again)
}
