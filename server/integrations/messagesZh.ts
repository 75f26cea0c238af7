// The Chinese of the integrations routes' coded refusals (registered when the routes are built).
import { registerMessages } from '../http/messages/registry.ts'

export function registerIntegrationMessages(): void {
  registerMessages('zh', {
    'integrations.endpoint_internal': '对接平台地址 {host} 指向内部网络地址 {address}，不予推送（如确需推送，请配置 WEBHOOK_ALLOWED_NETWORKS）',
  })
}
