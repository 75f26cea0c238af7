// The password policy for every password set through the API (GB/T 22239 level 3, 身份鉴别:
// complexity and length). Stored passwords are never re-judged: a password set before the policy
// (the demo users' 'gridgov-demo') keeps working until it is changed.
//  - at least 12 characters (Unicode code points), at most 256;
//  - at least three of the four classes upper case, lower case, digit, symbol (anything else,
//    Chinese characters included, counts as a symbol);
//  - not the login name, nor contain it (case-insensitive);
//  - not a common password (a small list, compared case-insensitively with digits and symbols
//    at the ends stripped, so 'Password123!' is refused as 'password'; fewer than three letters
//    left, e.g. '123456789!A#', is a digit run with a token letter, refused as common too).
import { AppError } from '../http/errors.ts'
import { registerMessages } from '../http/messages/registry.ts'

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 256

const COMMON = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abc', 'abcd',
  'admin', 'administrator', 'root', 'welcome', 'letmein', 'iloveyou', 'monkey', 'dragon', 'sunshine', 'master',
  'football', 'baseball', 'superman', 'trustno', 'changeme', 'default', 'secret', 'login', 'test', 'guest',
  'woaini', 'wangyiwang', 'huawei', 'gridgov', 'gridgov-demo', 'zhongguo', 'china', 'beijing', 'jinan', 'shandong',
  'aa', 'aaa', 'abc123', 'qazwsx', 'qweasd', '1qaz2wsx', 'q1w2e3r4', 'a1b2c3',
])

registerMessages('zh', {
  'auth.password_too_short': '密码至少 {min} 个字符',
  'auth.password_too_long': '密码最多 {max} 个字符',
  'auth.password_classes': '密码须包含大写字母、小写字母、数字、符号中的至少三类',
  'auth.password_contains_username': '密码不能包含用户名',
  'auth.password_common': '密码过于常见，请换一个',
})

const refuse = (detail: string) => new AppError(400, 'password_policy', detail, { field: 'newPassword' })

/** Throws a 400 naming the first rule the password breaks. */
export function checkPasswordPolicy(password: string, username: string): void {
  const length = [...password].length
  if (length < MIN_PASSWORD_LENGTH) throw refuse(`password must have at least ${MIN_PASSWORD_LENGTH} characters`).coded('auth.password_too_short', { min: MIN_PASSWORD_LENGTH })
  if (length > MAX_PASSWORD_LENGTH) throw refuse(`password must have at most ${MAX_PASSWORD_LENGTH} characters`).coded('auth.password_too_long', { max: MAX_PASSWORD_LENGTH })
  const classes = [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{Lu}\p{Ll}\p{Nd}]/u].filter((re) => re.test(password)).length
  if (classes < 3) throw refuse('password must mix at least three of upper case, lower case, digits and symbols').coded('auth.password_classes')
  const lower = password.toLowerCase()
  if (username.length >= 2 && lower.includes(username.toLowerCase())) throw refuse('password must not contain the username').coded('auth.password_contains_username')
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  if (COMMON.has(lower) || COMMON.has(core) || [...core].length < 3) throw refuse('password is too common').coded('auth.password_common')
}
