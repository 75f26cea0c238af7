// The Chinese of the utility-usage refusals (registered when the routes are built).
import { registerMessages } from '../http/messages/registry.ts'

export function registerUtilityMessages(): void {
  registerMessages('zh', {
    'utility_usage.columns_missing': '表头缺少列：{columns}（需要 户号、类型、月份、用量）',
    'utility_usage.rows_invalid': '共有 {count} 行有误（第 {first} 行 {field}），整个文件未导入',
  })
}
