// The field steps' part of the transitions' OpenAPI description (server/openapi/document.ts).
import { FIX_MAX_AGE_MIN, VERIFY_MAX_METRES } from './prepare.ts'
import { VERIFIED_CHANNELS } from './intakePolicy.ts'

export const fieldStepsDescription = [
  'Field steps and emergencies (issue 18):',
  `- verify_on_site 事件核实: a ${VERIFIED_CHANNELS.join('/')} demand of a class with verifyOnSite (config class-field-rules, the version in force at intake; re-checked when accept changes the class: the event then stays reported for verification) stays reported ` +
    '(history row verify_required) until a grid inspector or community staff verifies it: outcome confirmed|unconfirmed, a photo ' +
    `(attachments ids, or uploaded at stage=verify) and a position (location {x, y, crs}, else the member's device fix of the last ${FIX_MAX_AGE_MIN} min) ` +
    `within ${VERIFY_MAX_METRES} m of the reported point (422 naming attachments / location otherwise). accept waits for a confirmed one (409 transition.verification_pending / verification_unconfirmed).`,
  '- transfer 移交: the assigned inspector hands the event to another active inspector of its own area (memberId) or a 落格 unit whose area holds ' +
    'the event (departmentCode), with comment; outside the area is a 422 naming memberId / departmentCode. The receiver signs within the sign time ' +
    '(4 working hours) and returns a plan within planHours (24 h), both from the transfer; the handling deadline runs on.',
  '- request_supervision 督办申请 (inspector, comment) notifies the grid leader (members on duty leader, community staff); review_supervision_request ' +
    '(community staff or supervisors, grant true|false, comment) issues a supervision order to the assignee or declines.',
  '- direct_reply 直接答复 (desk, comment = the answer): reported/accepted → closed without dispatch; never a major emergency.',
  '- coordinate_dispatch 值班长协调派遣: the duty chief on shift (GET/POST /api/v1/duty) sends the event to departmentCode (memberId, assistingCodes) from ' +
    'accepted, dispatched, signed or handling, with comment.',
  '- declare_emergency 重大突发 (supervisors, comment = why): alerts the named leaders and lead bodies (see /api/v1/emergencies). Priority 1 and classes ' +
    'configured as emergencies are declared at intake and skip the desk\'s queue.',
].join('\n')
