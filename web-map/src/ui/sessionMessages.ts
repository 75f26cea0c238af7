// What the page says when a login expires (ui/sessionView.ts); no DOM here, so the tests read them too.
export const EXPIRED_MESSAGE = '登录已过期，请重新登录（地图视图和未提交的填写内容已保留）'
export const DRAFT_MESSAGE = '登录已过期，此操作尚未提交；已保留您填写的内容，请核对后重新提交'
