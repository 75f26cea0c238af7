// The key an approval issues, shown once: the server never lists its secret again (Cache-Control:
// no-store), so the box says so plainly, offers 复制, and stays until the reviewer closes it.
import type { IssuedKey } from '../../client/catalogueApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'

/** Copies through the Clipboard API; where the browser refuses, the key is selected for Ctrl+C. */
async function copy(value: HTMLElement, status: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(value.textContent ?? '')
    status.textContent = '已复制到剪贴板'
  } catch {
    const range = document.createRange()
    range.selectNodeContents(value)
    getSelection()?.removeAllRanges()
    getSelection()?.addRange(range)
    status.textContent = '浏览器不允许自动复制：密钥已选中，请按 Ctrl+C 复制'
  }
}

export function issuedKeyBox(applicationId: number, k: IssuedKey, close: () => void): HTMLElement {
  const value = el('code', { className: 'catalogue-key-value' }, k.key)
  const status = el('span', { className: 'catalogue-key-status', role: 'status' })
  const copyButton = el('button', { type: 'button', className: 'catalogue-key-copy', textContent: '复制密钥' })
  copyButton.addEventListener('click', () => void copy(value, status))
  const done = el('button', { type: 'button', className: 'catalogue-key-close', textContent: '我已妥善保存，关闭' })
  done.addEventListener('click', close)
  const line = (t: string, v: string) => el('li', {}, `${t}：${v || '无'}`)
  const box = el('div', { className: 'catalogue-key', role: 'alertdialog' },
    el('h4', {}, `申请 #${applicationId} 已授权：访问密钥`),
    el('p', { className: 'catalogue-key-warning' },
      '此密钥只显示这一次，关闭或刷新页面后无法再次查看（服务器只保存其摘要）。请立即复制，通过安全渠道交给申请单位，切勿在聊天或邮件中明文转发。'),
    el('div', { className: 'catalogue-key-row' }, value, copyButton), status,
    el('ul', { className: 'catalogue-key-grant' },
      line('有效期至', beijingTime(k.expiresAt, false)), line('权限范围', k.scopes.join('、')),
      line('开放接口', `${k.operations.length} 个`), line('开放图层', k.layers.join('、')), line('授权区域', k.areas.join('、')),
      ...(k.excluded.length ? [line('明确排除的接口', `${k.excluded.length} 个`)] : [])),
    done)
  box.setAttribute('aria-label', '访问密钥（只显示一次）')
  return box
}
