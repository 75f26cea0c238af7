-- The provincial link, round two (issue 20 item 8): the province follows what became of each
-- instruction it handed down. The steps of an instruction's event that matter to the sender
-- (受理, 签收, 处置完成, 结案, 退回/不予受理) are queued to the city's province platform as
-- instruction-feedback messages, once per (instruction message id, step): the outbox key carries
-- both, and (topic, key) is unique, so a rerun, a restart or a second instance queues nothing
-- twice. They are queued in the transaction of the history row (or of the instruction's receipt,
-- for the steps intake took before the receipt was written), so an accepted step is never lost.
-- The rows carry the event and history seq, so the deliverer sends them in order with the
-- event's own changes. The province adapter (server/exchange/adapter.ts) turns the payload into an
-- exchange message and checks it against docs/exchange/instruction-feedback.schema.json.

ALTER TABLE exchange_instruction ADD COLUMN event_id bigint;
UPDATE exchange_instruction i SET event_id = e.id FROM event e WHERE e.city_code = i.city_code AND e.number = i.event_number;
CREATE INDEX exchange_instruction_event_idx ON exchange_instruction (event_id);

-- Queues the steps reached so far by the given events (those born of an instruction; others are
-- ignored). The first history row of each step is the step: a second 处置完成 after rework is not
-- sent again. Held while the province platform is disabled, like its other messages; nothing
-- when the city has no province platform (the hourly exchange pass calls this again for recent
-- instructions, so a platform configured later still hears of them).
CREATE FUNCTION exchange_feedback_queue(event_ids bigint[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  queued integer;
BEGIN
  WITH steps AS (
    SELECT DISTINCT ON (h.event_id, s.step)
      h.event_id, h.seq, h.to_status, h.at, h.actor_role, h.comment, s.step,
      i.city_code, i.message_id, i.sender_area, i.sender_system, i.event_number
    FROM exchange_instruction i
    JOIN event_history h ON h.event_id = i.event_id
    CROSS JOIN LATERAL (SELECT CASE
        WHEN h.to_status = 'accepted' THEN 'accepted'
        WHEN h.action = 'sign' THEN 'signed'
        WHEN h.to_status = 'handled' THEN 'handled'
        WHEN h.to_status = 'closed' THEN 'closed'
        WHEN h.to_status IN ('rejected', 'voided') THEN 'returned'
      END AS step) s
    WHERE i.event_id = ANY (event_ids) AND s.step IS NOT NULL
    ORDER BY h.event_id, s.step, h.seq
  ), keyed AS (
    -- the message id stays within the exchange format's 200 characters for any instruction id
    SELECT st.*, 'feedback:' || CASE WHEN length(st.message_id) <= 170 THEN st.message_id
      ELSE left(encode(sha256(convert_to(st.message_id, 'UTF8')), 'hex'), 40) END || ':' || st.step AS feedback_id
    FROM steps st
  )
  INSERT INTO outbox (city_code, topic, key, payload, platform_code, event_id, event_seq)
  SELECT k.city_code, 'integration', p.code || ':' || k.feedback_id,
    jsonb_build_object(
      'schema', 'gridgov.instruction-step/1',
      'messageId', k.feedback_id,
      'cityCode', k.city_code,
      'instruction', jsonb_build_object('messageId', k.message_id, 'senderAreaCode', k.sender_area, 'senderSystem', k.sender_system),
      'eventNumber', k.event_number,
      'step', k.step, 'seq', k.seq, 'status', k.to_status, 'at', k.at, 'actorRole', k.actor_role, 'comment', k.comment,
      -- the handling result (处置结果): the latest 处置反馈 up to this step, or the step itself
      -- when the desk closed the event without one (直接答复)
      'result', CASE WHEN k.step IN ('handled', 'closed') THEN coalesce(
        (SELECT jsonb_build_object('text', r.comment, 'at', r.at) FROM event_history r
         WHERE r.event_id = k.event_id AND r.seq <= k.seq AND r.to_status = 'handled' ORDER BY r.seq DESC LIMIT 1),
        jsonb_build_object('text', k.comment, 'at', k.at)) END),
    p.code, k.event_id, k.seq
  FROM keyed k
  JOIN integration_platform p ON p.code = 'province_' || k.city_code AND p.adapter = 'province'
  ORDER BY k.event_id, k.seq
  ON CONFLICT (topic, key) DO NOTHING;
  GET DIAGNOSTICS queued = ROW_COUNT;
  RETURN queued;
END $$;

-- Nearly every history row is no step of an instruction's event: one probe of the transition
-- table against the (small) instruction table per statement, and out.
CREATE FUNCTION exchange_feedback_on_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows h JOIN exchange_instruction i ON i.event_id = h.event_id
             WHERE h.to_status IN ('accepted', 'signed', 'handled', 'closed', 'rejected', 'voided')) THEN
    PERFORM exchange_feedback_queue(ARRAY(SELECT DISTINCT event_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER event_history_exchange_feedback AFTER INSERT ON event_history REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION exchange_feedback_on_history();

-- Intake files (受理) the event before the receipt row exists: the steps it took go out when the
-- receipt is written.
CREATE FUNCTION exchange_feedback_on_instruction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM exchange_feedback_queue(ARRAY(SELECT event_id FROM new_rows WHERE event_id IS NOT NULL));
  RETURN NULL;
END $$;
CREATE TRIGGER exchange_instruction_feedback AFTER INSERT ON exchange_instruction REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION exchange_feedback_on_instruction();
