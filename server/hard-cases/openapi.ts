// OpenAPI paths of /api/v1/hard-cases, /api/v1/parallel, /api/v1/meetings and /api/v1/blind-spots
// (issue 18 part 3; spread into server/openapi/document.ts).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { ruleBody, DEFAULT_RULE } from './rule.ts'
import { candidateQuery, clearBody, listQuery, markBody } from './store.ts'
import { instructionBody } from './instructions.ts'
import { bouncedQuery } from './bounced.ts'
import { doneBody as partDoneBody, mineQuery, partsBody, withdrawBody } from '../parallel/store.ts'
import { decisionQuery, decisionsBody, doneBody as decisionDoneBody, listQuery as meetingListQuery, meetingBody, meetingTitles, patchBody } from '../meetings/store.ts'
import { gapBody, listQuery as gapListQuery, resolveBody } from '../blind-spots/store.ts'

const problem = { $ref: '#/components/responses/Problem' }
const json = (schema: Parameters<typeof schemaOf>[0]) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const eventNumber = { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } })
const rule = `疑难 rule (per city, defaults ${DEFAULT_RULE.bounces} passes, ${DEFAULT_RULE.overdueHours} h overdue, ${DEFAULT_RULE.units} units): ` +
  'an open event passed between units (return, reassign, transfer) at least `bounces` times, overdue by at least `overdueHours` ' +
  'past its handling deadline, or involving at least `units` units (assignee, assisting, hand-downs, transfers, parallel parts)'
const staffRoles = 'Roles: command centre, district, street and community staff.'

export const hardCasePaths = {
  '/api/v1/hard-cases': {
    get: { summary: '疑难事件: the register of hard-case markings of the caller\'s area', description: staffRoles, parameters: queryParameters(listQuery),
      responses: { 200: { description: '{state, items: [{number, status, class, source: rule|manual, reasons, note, markedAt, clearedAt, instructions}]}' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/hard-cases/rule': {
    get: { summary: 'The city\'s 疑难 thresholds in force (versioned configuration: /api/v1/config/hard-case-rules)', description: rule,
      responses: { 200: { description: '{bounces, overdueHours, units, updatedAt (the version\'s effectiveFrom), updatedBy, reason, version, key}' }, 401: problem, 403: problem } },
    put: { summary: 'Set the city\'s 疑难 thresholds (command centre), with a reason: a new hard-case-rules version in force at once; open events keep the version they were reported under', description: rule, requestBody: json(ruleBody),
      responses: { 200: { description: 'the rule' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/hard-cases/candidates': {
    get: { summary: 'Open events the rule makes hard cases, with what they measure', description: rule, parameters: queryParameters(candidateQuery),
      responses: { 200: { description: '{rule, items: [{number, bounces, overdueHours, units, marked, reasons}]}' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/hard-cases/scan': {
    post: { summary: 'Mark every candidate not marked yet (command centre, district)', description: 'Each marking is written to the event\'s history (mark_hard_case) and sent to the inbox (kind hard_case) of the desks whose area covers the event.',
      responses: { 200: { description: '{rule, marked: [number]}' }, 401: problem, 403: problem } },
  },
  '/api/v1/hard-cases/bounced': {
    get: { summary: '推诿工单: orders passed between units at least min times, each with similar events', description: 'Similar: the same class in the same street within 30 days either side, text similarity (character bigram Dice) at least `similarity`. ' + staffRoles,
      parameters: queryParameters(bouncedQuery), responses: { 200: { description: '{min, similarity, items: [{number, bounces, units, hardCase, similar: [{number, similarity}]}]}' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/hard-cases/events/{number}': {
    get: { summary: 'An event\'s hard-case detail: marking, measures, leader instructions (批示), parallel parts, meetings', parameters: [eventNumber],
      responses: { 200: { description: '{number, marking, measures, instructions, parallel, meetings}' }, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/hard-cases/events/{number}/mark': {
    post: { summary: 'Mark an event 疑难 by hand (command centre, district)', parameters: [eventNumber], requestBody: json(markBody),
      responses: { 201: { description: 'the marking' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/hard-cases/events/{number}/clear': {
    post: { summary: 'Clear an event\'s 疑难 marking (command centre, district)', parameters: [eventNumber], requestBody: json(clearBody),
      responses: { 200: { description: '{number, cleared, clearedAt}' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/hard-cases/events/{number}/instructions': {
    post: { summary: '领导批示: record a leader\'s instruction on an event', description: 'Kept with the event (the detail lists it) and in its history (action instruction); the unit holding the event is told in its inbox. Roles: command centre, district and street staff.',
      parameters: [eventNumber], requestBody: json(instructionBody), responses: { 201: { description: '{id, number, leaderName, leaderTitle, text, dueAt, issuedAt, seq}' }, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/parallel': {
    get: { summary: '并联办: the parallel parts the caller\'s units hold', parameters: queryParameters(mineQuery),
      responses: { 200: { description: '{state, items: [{number, id, unit, task, dueAt, state, overdue}]}' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/parallel/{number}': {
    get: { summary: 'An event\'s parallel parts', parameters: [eventNumber], responses: { 200: { description: '{number, status, open, parts}' }, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/parallel/{number}/parts': {
    post: {
      summary: 'Send a dispatched event to further units at once (并联办), each part with its own deadline',
      description: 'Beside the primary assignment (主办), not instead of it: the primary unit feeds back (and the event can close) only when every part is done ' +
        '(a feedback, direct reply or void before answers 409 transition.parts_open; withdraw a part to void). An unknown unit, the primary unit itself or a unit with an open part is a 400 naming parts.N.departmentCode; a past deadline names parts.N.dueAt.',
      parameters: [eventNumber], requestBody: json(partsBody),
      responses: { 201: { description: '{number, status, open, parts}' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    },
  },
  '/api/v1/parallel/{number}/parts/{id}/done': {
    post: { summary: 'The part\'s unit reports its part done', parameters: [eventNumber, idParam('id')], requestBody: json(partDoneBody),
      responses: { 200: { description: '{number, status, open, parts}' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/parallel/{number}/parts/{id}/withdraw': {
    post: { summary: 'A desk withdraws a part', parameters: [eventNumber, idParam('id')], requestBody: json(withdrawBody),
      responses: { 200: { description: '{number, status, open, parts}' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/meetings': {
    get: { summary: 'Joint meetings the caller may see', description: `Kinds: ${Object.entries(meetingTitles).map(([k, v]) => `${k} (${v})`).join(', ')}. A meeting is seen by the staff of its area and by its invited units.`,
      parameters: queryParameters(meetingListQuery), responses: { 200: { description: '{items: [{id, kind, title, areaCode, eventNumber, startsAt, units, decisions, openDecisions, overdueDecisions}]}' }, 400: problem, 401: problem, 403: problem } },
    post: {
      summary: 'Convene a meeting (会商/会办/提级会商/72小时处置计划) with invited units and decisions',
      description: 'Each decision names its owner (an invited unit\'s code) and dueAt: a decision without an owner is a 400 naming decisions.N.owner; an owner not invited, too. ' +
        'plan_72h (Jinan 7.4.3) needs eventNumber and at least one decision, each due within 72 hours of startsAt (400 naming decisions.N.dueAt). ' +
        'A meeting about an event is written to its history; invited units are told in their inbox (kind meeting). Roles: command centre, district, street and community staff.',
      requestBody: json(meetingBody), responses: { 201: { description: 'the meeting with its decisions' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/meetings/decisions': {
    get: { summary: 'Meeting decisions tracked like events: open, done, overdue, mine', parameters: queryParameters(decisionQuery),
      responses: { 200: { description: '{items: [{id, meetingId, seq, text, owner, dueAt, state, overdue, mayClose, meeting}]}' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/meetings/{id}': {
    get: { summary: 'One meeting with its minutes and decisions', parameters: [idParam('id')], responses: { 200: { description: 'the meeting' }, 401: problem, 403: problem, 404: problem } },
    patch: { summary: 'Record the minutes, or move the meeting', parameters: [idParam('id')], requestBody: json(patchBody), responses: { 200: { description: 'the meeting' }, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/meetings/{id}/decisions': {
    post: { summary: 'Add decisions to a meeting', parameters: [idParam('id')], requestBody: json(decisionsBody), responses: { 200: { description: 'the meeting' }, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/meetings/{id}/decisions/{seq}/done': {
    post: { summary: 'The owner unit reports a decision carried out', parameters: [idParam('id'), idParam('seq')], requestBody: json(decisionDoneBody),
      responses: { 200: { description: 'the meeting' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/blind-spots': {
    get: { summary: '部门职能盲区: the register of missing and overlapping responsibilities', parameters: queryParameters(gapListQuery),
      responses: { 200: { description: '{state, items: [{id, kind, class, area, units, eventNumbers, source, state, resolution, configRef}]}' }, 400: problem, 401: problem, 403: problem } },
    post: { summary: 'Enter a blind spot by hand', requestBody: json(gapBody), responses: { 201: { description: 'the entry' }, 400: problem, 401: problem, 403: problem, 409: problem } },
  },
  '/api/v1/blind-spots/detect': {
    post: {
      summary: 'Fill the register from bounced orders and the responsibility list; resolve what the list settles',
      description: 'missing: a class whose orders bounce (the hard-case rule\'s passes) in a street where the responsibility list (config classes, body.responsibility: [{areaCode, departmentCode}]) names no single unit; ' +
        'overlap: a list naming several units for one area. An open gap is resolved when the list in force names exactly one unit (configRef config_version:<id>). Roles: command centre, district and street staff.',
      responses: { 200: { description: '{bounces, opened, resolved, register}' }, 401: problem, 403: problem },
    },
  },
  '/api/v1/blind-spots/{id}/resolve': {
    post: { summary: 'Resolve a blind spot by hand', parameters: [idParam('id')], requestBody: json(resolveBody), responses: { 200: { description: 'the entry' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
}
