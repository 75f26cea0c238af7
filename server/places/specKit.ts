// The register columns of a row's placement (community, grid, point, 核实), after the places,
// units and organisations registers' own columns. Their point layers: server/registers/layerKit.ts.
import type { RegisterColumn } from '../registers/registry.ts'

/** The columns after a register's own: where the row is and when it was last verified. */
export const placementColumns: RegisterColumn[] = [
  { name: 'communityCode', title: '所属社区', type: 'communityCode' },
  { name: 'gridCode', title: '所在网格', type: 'gridCode', readOnly: true, list: true },
  { name: 'lon', title: '经度', type: 'lon' },
  { name: 'lat', title: '纬度', type: 'lat' },
  { name: 'verifiedAt', title: '核实时间', type: 'datetime' },
]
