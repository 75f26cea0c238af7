// The route table: one router per capability, in URL order. Each capability lives in its own
// folder (URL /api/v1/<capability> → server/<capability>/routes.ts, /ogc/* → server/ogc/*,
// /tiles → tiles/routes.ts).
import type Router from '@koa/router'
import type { AppContext } from './context.ts'
import { authRoutes } from './auth/routes.ts'
import { adminDivisionRoutes } from './admin-divisions/routes.ts'
import { adminTreeRoutes } from './grids/adminTreeRoutes.ts'
import { gridRoutes } from './grids/routes.ts'
import { importRoutes } from './import/routes.ts'
import { openApiRoutes } from './openapi/routes.ts'
import { mapRoutes } from '../tiles/routes.ts'
import { geocodeRoutes } from './geocode/routes.ts'
import { eventRoutes } from './events/routes.ts'
import { eventImportRoutes } from './event-imports/routes.ts'
import { slaRoutes } from './events/slaRoutes.ts'
import { streamRoutes } from './stream/routes.ts'
import { addressRoutes } from './addresses/routes.ts'
import { wmsRoutes } from './ogc/wms/routes.ts'
import { wmtsRoutes } from './ogc/wmts/routes.ts'
import { wfsRoutes } from './ogc/wfs/routes.ts'
import { featuresRoutes } from './ogc/features/routes.ts'
import { open311Routes } from './open311/routes.ts'
import { integrationRoutes } from './integrations/routes.ts'
import { exchangeRoutes } from './exchange/routes.ts'
import { trajectoryRoutes } from './positions/trajectoryRoutes.ts'
import { deviceRoutes } from './devices/routes.ts'
import { positionRoutes } from './positions/routes.ts'
import { patrolRoutes } from './patrol/routes.ts'
import { fenceRoutes } from './fences/routes.ts'
import { analyticsRoutes } from './analytics/routes.ts'
import { warningRoutes } from './warnings/routes.ts'
import { reportRoutes } from './reports/routes.ts'
import { assessmentRoutes } from './assessment/routes.ts'
import { publicRoutes } from './public/routes.ts'
import { basemapRoutes } from './basemap/routes.ts'
import { rasterRoutes } from './rasters/routes.ts'
import { exemplaryRoutes } from './exemplary/routes.ts'
import { orderRoutes } from './orders/routes.ts'
import { searchRoutes } from './search/routes.ts'
import { auditRoutes } from './audit/routes.ts'
import { houseRoutes } from './houses/routes.ts'
import { residentRoutes } from './residents/routes.ts'
import { enforcementRoutes } from './enforcement/routes.ts'
import { vehicleRoutes } from './vehicles/routes.ts'
import { lineRoutes } from './lines/routes.ts'
import { teamRoutes } from './teams/routes.ts'
import { partyRoutes } from './party/routes.ts'
import { placeRoutes } from './places/routes.ts'
import { unitRoutes } from './units/routes.ts'
import { organisationRoutes } from './organisations/routes.ts'
import { registerRoutes } from './registers/routes.ts'
import { specialGroupRoutes } from './special-groups/routes.ts'
import { disputeRoutes } from './disputes/routes.ts'
import { mediatorRoutes } from './mediators/routes.ts'
import { fieldRoutes } from './fields/routes.ts'
import { noticeRoutes } from './notices/routes.ts'
import { knowledgeRoutes } from './knowledge/routes.ts'
import { offlineRoutes } from './offline/routes.ts'
import { publicKnowledgeRoutes } from './knowledge/publicRoutes.ts'
import { classifyRoutes } from './classify/routes.ts'

import { queueRoutes } from './queues/routes.ts'
import { configRoutes } from './config/routes.ts'
import { hardCaseRoutes } from './hard-cases/routes.ts'
import { parallelRoutes } from './parallel/routes.ts'
import { meetingRoutes } from './meetings/routes.ts'
import { blindSpotRoutes } from './blind-spots/routes.ts'
import { emergencyRoutes } from './emergencies/routes.ts'
import { dutyRoutes } from './duty/routes.ts'
import { inboxRoutes } from './inbox/routes.ts'
import { qualityRoutes } from './quality/routes.ts'
import { sensorRuleRoutes } from './sensors/routes.ts'
import { staRoutes } from './sensors/staRoutes.ts'
import { formRoutes } from './forms/routes.ts'
import { collectionTaskRoutes } from './collection-tasks/routes.ts'
import { cameraRoutes } from './cameras/routes.ts'
import { opinionRoutes } from './opinion/routes.ts'
import { utilityUsageRoutes } from './utility-usage/routes.ts'
import { gridQualityRoutes } from './quality/gridDataRoutes.ts'
import { serviceGapRoutes } from './service-gaps/routes.ts'
import { catalogueRoutes } from './catalogue/routes.ts'
import { proactiveRoutes } from './proactive-rules/routes.ts'

export const routeFactories: ((app: AppContext) => Router)[] = [
  authRoutes,
  adminTreeRoutes, // before adminDivisionRoutes: /admin-divisions/tree is not a code
  adminDivisionRoutes,
  gridRoutes,
  importRoutes,
  geocodeRoutes,
  eventRoutes,
  eventImportRoutes,
  slaRoutes,
  streamRoutes,
  addressRoutes,
  openApiRoutes,
  basemapRoutes, // before mapRoutes: /tiles/basemap/… is public, not a catalogue layer
  rasterRoutes, // before mapRoutes: /tiles/raster/… is an imported raster, not a catalogue layer
  mapRoutes,
  wmsRoutes,
  wmtsRoutes,
  wfsRoutes,
  featuresRoutes,
  open311Routes,
  integrationRoutes,
  exchangeRoutes, // /api/v1/exchange: the provincial link and open data (issue 20 item 8)
  trajectoryRoutes,
  deviceRoutes,
  positionRoutes,
  patrolRoutes,
  fenceRoutes,
  serviceGapRoutes, // /api/v1/analytics/service-gaps: 一年一体检 (issue 20 item 3; its own folder, see its routes.ts)
  analyticsRoutes,
  warningRoutes,
  reportRoutes,
  assessmentRoutes,
  publicRoutes,
  exemplaryRoutes, // after eventRoutes: also serves /events/{number}/similar-cases
  orderRoutes,
  searchRoutes,
  auditRoutes,
  houseRoutes,
  residentRoutes,
  enforcementRoutes,
  vehicleRoutes,
  lineRoutes,
  teamRoutes,
  partyRoutes,
  placeRoutes,
  unitRoutes,
  organisationRoutes,
  registerRoutes, // /api/v1/registers: the generic services of every register (server/registers/)
  specialGroupRoutes,
  noticeRoutes,
  knowledgeRoutes,
  offlineRoutes, // /api/v1/offline: GeoPackage / MBTiles field copies and their sync
  publicKnowledgeRoutes, // /api/v1/public/knowledge: published public articles, no sign-in
  disputeRoutes,
  mediatorRoutes,
  fieldRoutes, // /api/v1/fields: user-defined attribute fields of grids and components
  classifyRoutes, // /api/v1/classify: smart intake classification (issue 18 part 2)
  queueRoutes, // /api/v1/queues: work queues per member and unit (issue 18 part 4)
  emergencyRoutes, // /api/v1/emergencies: major emergencies and their time lines
  dutyRoutes, // /api/v1/duty: the duty chief's shifts (值班长)
  configRoutes, // /api/v1/config: matters and rules as versioned configuration (issue 18 part 1)
  hardCaseRoutes, // /api/v1/hard-cases: 疑难 marking and leader instructions (issue 18 part 3)
  parallelRoutes, // /api/v1/parallel: 并联办 parts (issue 18 part 3)
  meetingRoutes, // /api/v1/meetings: joint meetings and their decisions (issue 18 part 3)
  blindSpotRoutes, // /api/v1/blind-spots: 部门职能盲区 register (issue 18 part 3)
  inboxRoutes, // /api/v1/inbox: per-user notices, subscriptions, quiet hours (issue 18 part 5)
  qualityRoutes, // /api/v1/quality: quality-of-handling reviews and score (issue 18 part 5)
  sensorRuleRoutes, // /api/v1/sensor-rules: sensor readings → incidents → events (issue 19 item 2)
  staRoutes, // /ogc/sta/v1.1: OGC SensorThings API 1.1 (server/sensors/)
  formRoutes, // /api/v1/forms: collection forms as ODK XForms (issue 19 item 4)
  collectionTaskRoutes, // /api/v1/collection-tasks: collection tasks and their returns (issue 19 item 4)
  cameraRoutes, // /api/v1/cameras: camera register, covering cameras, live stream via the video platform (issue 19 item 1)
  opinionRoutes, // /api/v1/opinion: public-opinion feeds → candidate events (issue 19 item 3)
  utilityUsageRoutes, // /api/v1/utility-usage: monthly usage per household, flags to the grid's inspector
  gridQualityRoutes, // /api/v1/quality/grids: data quality per base grid, 一格一档 (issue 20 item 7)
  catalogueRoutes, // /api/v1/catalogue: the data catalogue and access applications (issue 20 item 6)
  proactiveRoutes, // /api/v1/proactive-rules: proactive-service rules and their tasks (issue 20 item 4)
]
