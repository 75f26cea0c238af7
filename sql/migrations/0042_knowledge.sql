-- Knowledge base (知识库, Heilongjiang 6.1.4): articles that handlers and the public search, their
-- lifecycle, versions, ratings, favourites, corrections (纠错), requests for missing knowledge
-- (索要), citations from an event's handling (引用) and the department directory (部门通讯录).
--
-- * Articles are city-wide (city_code), not admin-located: a rule or a procedure holds for the
--   whole city, so jurisdiction does not filter them; visibility does (public | internal).
-- * status draft → pending (上报) → approved | rejected (审核) → published (上架) → withdrawn
--   (下架). Expiry is a rule applied on read (expires_at passed ⇒ the article is off the shelf
--   and out of every search), so no pass has to run for it to hold.
-- * search is the segmented text (jieba, in Node, so both engines hold the same words) as a
--   'simple' tsvector, title weighted A, tags B, body D; body_text is the plain copy of the
--   sanitised body_html.
CREATE TABLE knowledge_article (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary          text CHECK (length(summary) <= 500),
  body_html        text NOT NULL CHECK (length(body_html) <= 100000),
  body_text        text NOT NULL CHECK (length(body_text) <= 100000),
  category         text NOT NULL CHECK (length(category) BETWEEN 1 AND 40),
  tags             text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10),
  visibility       text NOT NULL CHECK (visibility IN ('public', 'internal')),
  status           text NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'published', 'withdrawn')),
  expires_at       timestamptz,
  search           tsvector NOT NULL,
  source_event_id  bigint,
  source_event_number text CHECK (source_event_number ~ '^E[0-9]{12,}$'),
  author_id        bigint REFERENCES app_user (id),
  author_name      text NOT NULL,
  submitted_at     timestamptz,
  reviewed_by      bigint REFERENCES app_user (id),
  reviewed_at      timestamptz,
  review_reason    text CHECK (length(review_reason) <= 500),
  published_at     timestamptz,
  withdrawn_at     timestamptz,
  withdraw_reason  text CHECK (length(withdraw_reason) <= 500),
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_article_search_idx ON knowledge_article USING gin (search);
CREATE INDEX knowledge_article_shelf_idx ON knowledge_article (status, visibility, updated_at DESC, id DESC);
CREATE INDEX knowledge_article_category_idx ON knowledge_article (category);
CREATE INDEX knowledge_article_source_idx ON knowledge_article (source_event_id) WHERE source_event_id IS NOT NULL;

-- Every version of an article's content (the first and each edit), kept.
CREATE TABLE knowledge_article_version (
  article_id  bigint NOT NULL REFERENCES knowledge_article (id) ON DELETE CASCADE,
  version     integer NOT NULL CHECK (version >= 1),
  title       text NOT NULL,
  summary     text,
  body_html   text NOT NULL,
  category    text NOT NULL,
  tags        text[] NOT NULL,
  visibility  text NOT NULL,
  edited_by   bigint REFERENCES app_user (id),
  edited_by_name text NOT NULL,
  edited_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (article_id, version)
);

-- Synonym groups (同义词): a query word in a group is expanded to every word of the group.
CREATE TABLE knowledge_synonym (
  id     bigserial PRIMARY KEY,
  words  text[] NOT NULL CHECK (cardinality(words) BETWEEN 2 AND 20)
);

CREATE TABLE knowledge_rating (
  article_id  bigint NOT NULL REFERENCES knowledge_article (id) ON DELETE CASCADE,
  user_id     bigint NOT NULL REFERENCES app_user (id),
  score       smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  rated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (article_id, user_id)
);

CREATE TABLE knowledge_favourite (
  article_id  bigint NOT NULL REFERENCES knowledge_article (id) ON DELETE CASCADE,
  user_id     bigint NOT NULL REFERENCES app_user (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (article_id, user_id)
);
CREATE INDEX knowledge_favourite_user_idx ON knowledge_favourite (user_id, created_at DESC);

-- 纠错: a reader points out an error; a reviewer accepts or rejects it with an answer.
CREATE TABLE knowledge_correction (
  id           bigserial PRIMARY KEY,
  article_id   bigint NOT NULL REFERENCES knowledge_article (id) ON DELETE CASCADE,
  content      text NOT NULL CHECK (length(content) BETWEEN 1 AND 2000),
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  submitted_by bigint NOT NULL REFERENCES app_user (id),
  submitted_by_name text NOT NULL,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  decided_by   bigint REFERENCES app_user (id),
  decided_at   timestamptz,
  answer       text CHECK (length(answer) <= 500),
  CHECK ((status = 'open') = (decided_at IS NULL))
);
CREATE INDEX knowledge_correction_article_idx ON knowledge_correction (article_id, id);

-- 索要: someone asks for knowledge that is missing; a reviewer answers with an article or closes it.
CREATE TABLE knowledge_request (
  id            bigserial PRIMARY KEY,
  city_code     varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  question      text NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
  detail        text CHECK (length(detail) <= 2000),
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
  asked_by      bigint NOT NULL REFERENCES app_user (id),
  asked_by_name text NOT NULL,
  asked_at      timestamptz NOT NULL DEFAULT now(),
  article_id    bigint REFERENCES knowledge_article (id),
  answered_by   bigint REFERENCES app_user (id),
  answered_at   timestamptz,
  answer        text CHECK (length(answer) <= 500),
  CHECK ((status = 'answered') = (article_id IS NOT NULL)),
  CHECK ((status = 'open') = (answered_at IS NULL))
);
CREATE INDEX knowledge_request_status_idx ON knowledge_request (status, asked_at DESC, id DESC);

-- 引用: an article cited in an event's handling (the event's history carries a note as well).
-- No foreign key to the partitioned event table (as elsewhere); the residents' page lists the
-- public articles cited for a report from here.
CREATE TABLE knowledge_citation (
  id          bigserial PRIMARY KEY,
  article_id  bigint NOT NULL REFERENCES knowledge_article (id),
  event_id    bigint NOT NULL,
  event_number text NOT NULL,
  cited_by    bigint REFERENCES app_user (id),
  note        text CHECK (length(note) <= 500),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (article_id, event_id)
);
CREATE INDEX knowledge_citation_event_idx ON knowledge_citation (event_id);

-- 部门通讯录: the office contact of each department (office lines, not persons).
CREATE TABLE knowledge_directory (
  department_id    bigint PRIMARY KEY REFERENCES department (id) ON DELETE CASCADE,
  phone            text CHECK (phone ~ '^[0-9-]{5,20}$'),
  duty_phone       text CHECK (duty_phone ~ '^[0-9-]{5,20}$'),
  address          text CHECK (length(address) <= 200),
  hours            text CHECK (length(hours) <= 100),
  responsibilities text CHECK (length(responsibilities) <= 1000),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The starting synonym groups of a grid city's common matters (a reviewer adds more in SQL).
INSERT INTO knowledge_synonym (words) VALUES
  ('{路灯,街灯,照明灯,路灯不亮,灯不亮,路灯损坏}'),
  ('{占道经营,占道,摆摊,摆地摊,流动摊贩,小贩,游商,地摊,出店经营,店外经营}'),
  ('{垃圾清运,垃圾,清运,收垃圾,倒垃圾,暴露垃圾,垃圾满溢,垃圾桶,生活垃圾}'),
  ('{井盖,窨井,井盖缺失,井盖破损,井盖移位,下水井,井口}'),
  ('{噪音,噪声,噪音扰民,噪声扰民,吵闹,太吵,扰民,施工扰民}'),
  ('{物业,物业公司,物业服务,物业管理,物业纠纷,物业费}'),
  ('{办证,办理证件,证照,证件,许可证,手续,营业执照}'),
  ('{小广告,非法小广告,牛皮癣,乱张贴,乱贴乱画}'),
  ('{私搭乱建,违法建设,违章建筑,违建,乱搭乱建}'),
  ('{停车,乱停乱放,违规停车,占道停车,乱停车,机动车乱停放}'),
  ('{共享单车,单车,非机动车乱停放,电动自行车,电瓶车,电动车}'),
  ('{飞线充电,私拉电线,电动车充电,楼道充电}'),
  ('{油烟,油烟扰民,油烟污染,烧烤,露天烧烤}'),
  ('{积水,道路积水,内涝,淹水,下雨积水}'),
  ('{漏水,水管破裂,自来水管,爆管,停水}'),
  ('{燃气,煤气,燃气泄漏,天然气,燃气管道}'),
  ('{树木,行道树,树枝,绿化,修剪,倒伏}'),
  ('{高空抛物,扔东西,坠物,抛物}'),
  ('{低保,最低生活保障,救助,困难补助,临时救助}'),
  ('{居住证,暂住证,流动人口登记}'),
  ('{户口,户籍,落户,迁户口}'),
  ('{养犬,犬只,遛狗,狗,宠物,犬证}'),
  ('{消防通道,楼道堆物,堵塞通道,消防安全}'),
  ('{路面破损,坑洼,路面塌陷,路坑,道路破损}'),
  ('{渣土,渣土车,道路遗撒,撒漏}'),
  ('{邻里纠纷,矛盾纠纷,吵架,纠纷,调解}'),
  ('{扬尘,工地扬尘,灰尘,尘土}'),
  ('{维修基金,专项维修资金,维修资金}'),
  ('{电梯,电梯故障,电梯坏了,困人}'),
  ('{投诉,反映,举报,12345,热线}');
