// The cameras layer (视频监控) of the one catalogue: tiles, WMS, WFS and OGC API Features. Points
// where the cameras stand, coloured by kind; the device codes stay out (they address the platform).
import type { LayerDef } from '../../tiles/catalogue.ts'
import { attr, pointLayer } from '../registers/layerKit.ts'

export const camerasLayer: LayerDef = pointLayer({
  id: 'cameras', title: '视频监控', abstract: '视频监控点位（公安、城管、交通、社区等），含朝向与权属', table: 'camera',
  attributes: [
    attr('id', 't.id', 'integer', '监控编号'), attr('name', 't.name', 'string', '名称'), attr('kind', 't.kind', 'string', '类型'),
    attr('owner', 't.owner', 'string', '权属单位'), attr('direction', 't.direction', 'number', '朝向（度）'),
    attr('community_code', 't.community_code', 'string', '所属社区'),
  ],
  minZoom: 12,
  colours: { public_security: ['#1d3557', '#ffffff'], city_management: ['#2a9d8f', '#ffffff'], traffic: ['#e76f51', '#ffffff'], community: ['#e9c46a', '#ffffff'], '*': ['#8d99ae', '#ffffff'] },
})
