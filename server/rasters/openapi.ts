// The OpenAPI paths of /api/v1/rasters (raster base-map data) and its tiles.
import { RASTER_KINDS } from './inspect.ts'

const problem = { $ref: '#/components/responses/Problem' }
const name = { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$' } }
const tileParams = ['z', 'x', 'y'].map((n) => ({ name: n, in: 'path', required: true, schema: { type: 'integer', minimum: 0 } }))
const roles = 'Roles command_center, district_staff and gis_analyst.'

export const rasterPaths = {
  '/api/v1/rasters': {
    get: {
      summary: `The raster register: orthophotos, topographic rasters, DEMs and their hillshades. ${roles}`,
      responses: { 200: { description: '{ rasters: [{ name, kind, title, parent, extent [minlon,minlat,maxlon,maxlat], extentCrs EPSG:4490, resolution (m), sourceCrs, sourceFormat, crs EPSG:3857, file, bytes, width, height, bands, minValue/maxValue (DEM), tiles, wmsLayer, createdBy, createdAt }] }' }, 401: problem, 403: problem },
    },
    post: {
      summary: `Import a raster (GeoTIFF, ERDAS IMAGINE .img, Arc/Info ASCII grid, USGS DEM, DTED, SRTM HGT, or a zip of one with its sidecars such as .prj) into a cloud-optimised GeoTIFF. ${roles}`,
      description: 'All or nothing: the file is inspected with gdalinfo, built with gdal_translate -of COG into EPSG:3857 on the GoogleMapsCompatible grid ' +
        '(a DEM also gets a hillshade by gdaldem, registered as {name}-hillshade), then registered. 400 for an unreadable file, no CRS, no georeferencing ' +
        'or bands that do not suit the kind; 409 for a name in use; 413 beyond 1 GiB; 415 for another format; 503 when GDAL (gdal-bin) is not installed. Nothing is registered on any refusal.',
      parameters: [
        { name: 'name', in: 'query', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,50}$' } },
        { name: 'kind', in: 'query', required: true, schema: { type: 'string', enum: [...RASTER_KINDS] } },
        { name: 'title', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 100 } },
      ],
      requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } }, 'image/tiff': { schema: { type: 'string', format: 'binary' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
      responses: { 201: { description: 'the import report: { name, kind, format, sourceCrs, size, bands, resolution, extent, registered: [{ name, kind, file, bytes, width, height, crs, layout }] }' },
        400: problem, 401: problem, 403: problem, 409: problem, 413: problem, 415: problem, 503: problem },
    },
  },
  '/api/v1/rasters/{name}': {
    get: { summary: `One raster of the register. ${roles}`, parameters: [name], responses: { 200: { description: 'the raster' }, 401: problem, 403: problem, 404: problem } },
    delete: { summary: `Delete a raster, its files, and for a DEM its hillshade. ${roles}`, parameters: [name], responses: { 204: { description: 'deleted' }, 401: problem, 403: problem, 404: problem } },
  },
  '/tiles/raster/{name}/{z}/{x}/{y}.png': {
    get: {
      summary: 'Raster tile (Web Mercator, 256 px PNG with transparency) of an imported raster; any signed-in user',
      description: 'The same pixels as a WMS GetMap of the tile\'s box with TRANSPARENT=true. ETag → 304; Cache-Control: private, max-age=300.',
      parameters: [name, ...tileParams],
      responses: { 200: { description: 'image/png' }, 304: { description: 'not modified' }, 400: problem, 401: problem, 404: problem },
    },
  },
}
