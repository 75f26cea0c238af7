// The Chinese of the cameras' refusals, registered by cameraRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const cameraMessagesZh: Record<string, Wording> = {
  'cameras.not_found': '辖区内没有监控 {id}',
  'cameras.event_not_found': '辖区内没有事件 {number}',
  'cameras.fov_invalid': '{field}：视野范围不是有效的多边形（{reason}）',
  'cameras.fov_far': '{field}：视野范围应从监控点位出发（距点位约 50 米内）',
  'cameras.no_community': '{field}：该点位不在本市任何社区内',
  'cameras.outside_jurisdiction': '{field}：点位所在社区 {community} 不在您的辖区内',
  'cameras.duplicate': '{field}：该设备通道已登记',
  'cameras.no_stream': '监控 {id} 没有直连地址，且未配置视频平台（GRIDGOV_VIDEO_PLATFORM_URL）',
  'cameras.platform_timeout': '视频平台在 {ms} 毫秒内未响应，请稍后重试',
  'cameras.platform_unreachable': '无法连接视频平台，请稍后重试',
  'cameras.platform_error': '视频平台无法播放该监控：{reason}',
  'cameras.platform_login_failed': '视频平台拒绝登录：{reason}',
}
