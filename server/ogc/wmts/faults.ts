// The WMTS refusals: OWS 1.1 exception codes (WMTS 1.0.0 table 28) carried by the one AppError,
// written as an ows:ExceptionReport by the error middleware (version 1.0.0 when the request set
// ctx.state.ogcVersion). Every refusal is a 400, as WMS answers its own. A layer the caller may
// not see and a layer that does not exist are the same refusal, word for word.
import { AppError } from '../../http/errors.ts'
import { registerMessages } from '../../http/messages/registry.ts'

const fault = (code: string, locator: string, detail: string) =>
  new AppError(400, code === 'MissingParameterValue' ? 'missing_parameter' : 'invalid_parameter', detail, {}, { code, locator })

export const missing = (name: string) =>
  fault('MissingParameterValue', name, `parameter ${name.toUpperCase()} is required`).coded('wmts.missing_parameter', { name })

export const invalid = (name: string, detail: string) =>
  fault('InvalidParameterValue', name, detail).coded('wmts.invalid_parameter', { name })

export const unknownLayer = (shown: string) =>
  fault('InvalidParameterValue', 'layer', `layer "${shown}" is not defined`).coded('wmts.unknown_layer', { layer: shown })

export const outOfRange = (name: string, detail: string) =>
  fault('TileOutOfRange', name, detail).coded('wmts.tile_out_of_range', { name })

export const pointOutOfRange = (name: string, detail: string) =>
  fault('PointIJOutOfRange', name, detail).coded('wmts.point_out_of_range', { name })

export const notQueryable = (layer: string) =>
  fault('InvalidParameterValue', 'layer', `layer ${layer} is not queryable: GetFeatureInfo is offered for the layers with an InfoFormat`)
    .coded('wmts.layer_not_queryable', { layer })

export const notSupported = (shown: string) =>
  fault('OperationNotSupported', 'request', `REQUEST "${shown}" is not offered; use GetCapabilities, GetTile or GetFeatureInfo`)
    .coded('wmts.operation_not_supported', { request: shown })

export const noVersion = (shown: string) =>
  fault('VersionNegotiationFailed', 'acceptversions', `ACCEPTVERSIONS "${shown}" does not include 1.0.0, the only WMTS version offered`)
    .coded('wmts.version_negotiation_failed', { versions: shown })

// one object for the process: registering the same wordings again is a no-op
const WORDINGS = {
  'wmts.missing_parameter': '缺少参数 {name}',
  'wmts.invalid_parameter': '参数 {name} 的值无效',
  'wmts.unknown_layer': '图层“{layer}”不存在',
  'wmts.tile_out_of_range': '瓦片超出瓦片矩阵范围（{name}）',
  'wmts.point_out_of_range': '像素位置 {name} 超出瓦片范围（0-255）',
  'wmts.layer_not_queryable': '图层 {layer} 不支持要素查询',
  'wmts.operation_not_supported': '不支持的操作 {request}，请使用 GetCapabilities、GetTile 或 GetFeatureInfo',
  'wmts.version_negotiation_failed': '请求的版本 {versions} 不含本服务支持的 WMTS 1.0.0',
}

export function registerWmtsMessages(): void {
  registerMessages('zh', WORDINGS)
}
