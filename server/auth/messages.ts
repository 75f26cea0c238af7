// Chinese wording of the sign-in session refusals (server/auth/routes.ts, sessions.ts). The
// throttle and the password policy register theirs beside their rules.
import { registerMessages } from '../http/messages/registry.ts'

export function registerAuthMessages(): void {
  registerMessages('zh', {
    'auth.invalid_refresh': '刷新凭据无效、已过期或已吊销，请重新登录',
    'auth.refresh_reused': '刷新凭据已被使用过，为安全起见本次登录已失效，请重新登录',
    'auth.wrong_current_password': '当前密码错误',
    'auth.password_needs_user': '只有以用户名和密码登录的账号才能修改密码',
    'auth.no_sessions': 'API 密钥没有可退出的登录会话',
    'auth.session_idle': '登录会话已超时（{minutes} 分钟未操作），为安全起见请重新登录',
  })
}
