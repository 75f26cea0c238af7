// vt-pbf ships no types; this is the part we use (see node_modules/vt-pbf/index.js).
declare module 'vt-pbf' {
  export interface VtFeature {
    /** 1 point, 2 line, 3 polygon */
    type: 1 | 2 | 3
    /** points: [[x, y], …]; lines and polygons: rings of [x, y] (polygon rings closed) */
    geometry: number[][] | number[][][]
    tags: Record<string, string | number | boolean>
    id?: number
  }
  const vtpbf: {
    fromGeojsonVt(layers: Record<string, { features: VtFeature[] }>, options?: { version?: number; extent?: number }): Uint8Array
  }
  export default vtpbf
}
