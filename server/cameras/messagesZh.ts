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
  'cameras.no_hls': '监控 {id} 没有 HLS 直播流',
  'cameras.live_ticket': '直播地址无效或已过期，请重新点播',
  'cameras.live_file': '直播流中没有文件 {file}',
  'cameras.patrol_not_found': '辖区内没有视频巡查任务 {id}',
  'cameras.patrol_camera_unknown': '{field}：辖区内没有监控 {id}',
  'cameras.patrol_assignee': '{field}：用户 {id} 不能巡查这些监控（须为看得到全部监控的中心、区、街道或社区工作人员）',
  'cameras.patrol_not_assignee': '该视频巡查任务由 {name} 执行',
  'cameras.patrol_no_stop': '该视频巡查任务没有第 {seq} 路监控',
  'cameras.patrol_stop_done': '{field}：第 {seq} 路监控已经巡查过',
  'cameras.patrol_out_of_turn': '{field}：请按顺序巡查，应先巡查第 {next} 路',
  'cameras.snapshot_too_large': '{field}：截图不能超过 {max} 字节',
  'cameras.snapshot_invalid': '{field}：截图不是所声明格式的图片',
}
