-- The provincial link (全省一网运行, issue 20 item 8): the province is an outbox platform with its
-- own adapter ('province': messages leave in the exchange format of docs/exchange/, each checked
-- against its schema before it is sent); instructions received from above are recorded once per
-- message id with the event they became; the superior channel (上级交办) admits the province's
-- external-system account.

ALTER TABLE integration_platform DROP CONSTRAINT integration_platform_adapter_check;
ALTER TABLE integration_platform ADD CONSTRAINT integration_platform_adapter_check CHECK (adapter IN ('webhook', 'sms', 'im', 'province'));

-- One row per instruction message: a repeat of the message id answers the event it made. The
-- event's own idempotency (event_idempotency) guards the intake; this row is what operators list.
CREATE TABLE exchange_instruction (
  city_code     varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  message_id    text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 200),
  sender_area   varchar(12) NOT NULL,
  sender_system text NOT NULL,
  title         text NOT NULL,
  due_at        timestamptz,
  event_number  text NOT NULL,
  received_by   text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_code, message_id)
);
CREATE INDEX exchange_instruction_received_idx ON exchange_instruction (city_code, received_at DESC);

-- A new version of the superior channel's configuration, so the province's account (role
-- external_system, an API key) may file 上级交办 events; the earlier version stays readable (?at=).
WITH cur AS (
  UPDATE config_version SET effective_to = now()
  WHERE kind = 'channels' AND key = 'superior' AND effective_to IS NULL AND effective_from < now()
    AND NOT (body->'roles') ? 'external_system'
  RETURNING body
)
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'channels', 'superior', now(), jsonb_set(cur.body, '{roles}', (cur.body->'roles') || '["external_system"]'::jsonb),
  '迁移 0067：省级平台交办指令经数据交换接口（外部系统账号）进入上级交办渠道', '系统'
FROM cur;
