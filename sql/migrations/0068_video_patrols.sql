-- Video patrol (视频巡查, issue 19 item 1): a round of cameras for one shift, assigned to one
-- member, checked camera by camera in the round's order. A camera showing a problem becomes an
-- event of the video_patrol channel through intake, with the frame the member saw attached.
--
-- Who sees a round follows its cameras: a caller whose jurisdiction holds every camera of the
-- round (or the member it is assigned to). A round has no area column of its own, so moving a
-- camera's place cannot leave the round filed under a stale area.
CREATE TABLE camera_patrol (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_code         varchar(6) NOT NULL,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  shift_date        date NOT NULL,
  shift             text NOT NULL CHECK (shift IN ('day', 'night')),
  assignee_user_id  bigint NOT NULL REFERENCES app_user (id),
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX camera_patrol_assignee_idx ON camera_patrol (assignee_user_id, shift_date);
CREATE INDEX camera_patrol_date_idx ON camera_patrol (city_code, shift_date);

-- One camera of a round. state moves pending → normal | finding once; the finding's event is
-- named by its number (events are partitioned, a foreign key to them is not possible).
CREATE TABLE camera_patrol_stop (
  patrol_id         bigint NOT NULL REFERENCES camera_patrol (id) ON DELETE CASCADE,
  seq               smallint NOT NULL CHECK (seq BETWEEN 1 AND 100),
  camera_id         bigint NOT NULL REFERENCES camera (id),
  state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'normal', 'finding')),
  note              text CHECK (note IS NULL OR length(note) <= 1000),
  event_number      text,
  checked_by        bigint REFERENCES app_user (id),
  checked_at        timestamptz,
  PRIMARY KEY (patrol_id, seq),
  UNIQUE (patrol_id, camera_id),
  CHECK ((state = 'pending') = (checked_at IS NULL)),
  CHECK ((state = 'finding') = (event_number IS NOT NULL))
);
CREATE INDEX camera_patrol_stop_camera_idx ON camera_patrol_stop (camera_id);

-- The channel findings come through: filed by a dispatcher like any reported event (the member
-- saw it on a screen, not on site).
INSERT INTO event_channel (code, name, auto_accept, auto_dispatch) VALUES ('video_patrol', '视频巡查', false, false)
ON CONFLICT (code) DO NOTHING;
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'channels', 'video_patrol', '2000-01-01T00:00:00Z',
  jsonb_build_object('name', '视频巡查', 'autoAccept', false, 'autoDispatch', false,
    'roles', jsonb_build_array('command_center', 'district_staff', 'street_staff', 'community_staff')),
  '初始配置：由迁移 0068 加入（视频巡查发现的问题由巡查人员上报）', '系统'
WHERE NOT EXISTS (SELECT 1 FROM config_version WHERE kind = 'channels' AND key = 'video_patrol');
