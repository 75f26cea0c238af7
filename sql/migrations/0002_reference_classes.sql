-- Reference classes: industry grid types, component (部件) classes, event (事件) classes.
--
-- Sources: CJ/T 214 style class tables as summarised in shared/reference/domain.md; time
-- limits are local-practice defaults (configurable later), not national law.
--
-- owner_department_code names a functional department KIND; every district has one
-- department of each kind, coded '<kind>-<6-digit district code>' (e.g. 'CGJ-990102'), so the
-- dispatcher finds the owner by the event's district. The demo generator
-- (fixtures/catalog.ts, FUNCTIONAL_DEPARTMENTS) creates exactly this list — keep them in step:
--   CGJ 城市管理局        HBJ 生态环境分局      SWJ 水务局          ZJJ 住房和城乡建设局
--   GAJ 公安分局          ZFB 综治办          YLJ 园林绿化局      JTJ 交通运输局
--   XFJ 消防救援大队      SCJ 市场监督管理局

INSERT INTO industry_type (code, name, object_class) VALUES
  ('chengguan', '城管', '110100'),
  ('zongzhi',   '综治', '120100'),
  ('xiaofang',  '消防', '130100'),
  ('huanbao',   '环保', '140100'),
  ('hezhang',   '河长', '150100');

-- accuracy: A ≤ 0.5 m (covers, lamps, signals), B ≤ 1 m (bins, kiosks, signs), C ≤ 10 m (areas, bridges, car parks)
INSERT INTO component_class (code, big_code, big_name, name, accuracy) VALUES
  ('0101', '01', '公用设施', '上水井盖', 'A'),
  ('0102', '01', '公用设施', '污水井盖', 'A'),
  ('0103', '01', '公用设施', '雨水井盖', 'A'),
  ('0104', '01', '公用设施', '雨水箅子', 'A'),
  ('0105', '01', '公用设施', '电力井盖', 'A'),
  ('0106', '01', '公用设施', '路灯井盖', 'A'),
  ('0107', '01', '公用设施', '通信井盖', 'A'),
  ('0110', '01', '公用设施', '热力井盖', 'A'),
  ('0111', '01', '公用设施', '燃气井盖', 'A'),
  ('0113', '01', '公用设施', '消防设施', 'A'),
  ('0115', '01', '公用设施', '变压器箱', 'B'),
  ('0116', '01', '公用设施', '电线杆', 'A'),
  ('0118', '01', '公用设施', '路灯', 'A'),
  ('0201', '02', '道路交通', '停车场', 'C'),
  ('0202', '02', '道路交通', '停车咪表', 'B'),
  ('0203', '02', '道路交通', '公交站亭', 'B'),
  ('0205', '02', '道路交通', '过街天桥', 'C'),
  ('0207', '02', '道路交通', '桥梁', 'C'),
  ('0208', '02', '道路交通', '交通信号灯', 'A'),
  ('0209', '02', '道路交通', '交通标志牌', 'B'),
  ('0210', '02', '道路交通', '交通护栏', 'B'),
  ('0301', '03', '市容环境', '公共厕所', 'C'),
  ('0302', '03', '市容环境', '公厕指示牌', 'B'),
  ('0303', '03', '市容环境', '垃圾间', 'C'),
  ('0304', '03', '市容环境', '报刊亭', 'B'),
  ('0305', '03', '市容环境', '垃圾箱', 'B'),
  ('0307', '03', '市容环境', '广告牌匾', 'B'),
  ('0401', '04', '园林绿化', '古树名木', 'B'),
  ('0402', '04', '园林绿化', '行道树', 'B'),
  ('0403', '04', '园林绿化', '护树设施', 'B'),
  ('0405', '04', '园林绿化', '绿地', 'C'),
  ('0406', '04', '园林绿化', '城市雕塑', 'C'),
  ('0501', '05', '房屋土地', '宣传栏', 'B'),
  ('0502', '05', '房屋土地', '人防工事', 'C'),
  ('0601', '06', '其他设施', '重大危险源', 'C'),
  ('0602', '06', '其他设施', '工地', 'C'),
  ('0604', '06', '其他设施', '监控电子眼', 'A');

-- Big classes carry no conditions or limits: only small classes are filed against.
INSERT INTO event_class (code, parent_code, domain, name) VALUES
  ('01', NULL, 'city_management',   '市容环境'),
  ('02', NULL, 'city_management',   '宣传广告'),
  ('03', NULL, 'city_management',   '施工管理'),
  ('04', NULL, 'city_management',   '突发事件'),
  ('05', NULL, 'city_management',   '街面秩序'),
  ('06', NULL, 'social_governance', '社会治理'),
  ('99', NULL, 'city_management',   '其他');

-- Emergencies (04xx) run on natural hours: the clock does not stop outside office time.
INSERT INTO event_class (code, parent_code, domain, name, filing_condition, closure_condition,
                         time_limit_value, time_limit_unit, owner_department_code) VALUES
  ('0101', '01', 'city_management', '私搭乱建', '在道路、广场、绿地等公共区域未经批准搭建建筑物或构筑物。', '违法搭建已拆除，现场恢复原状。', 20, 'work_days', 'CGJ'),
  ('0102', '01', 'city_management', '暴露垃圾', '公共区域存在暴露垃圾，单处面积大于0.5平方米。', '垃圾清理干净，现场无残留。', 4, 'work_hours', 'CGJ'),
  ('0103', '01', 'city_management', '积存垃圾渣土', '公共区域积存垃圾或渣土，单处体积大于1立方米。', '垃圾渣土清运完毕，地面清扫干净。', 1, 'work_days', 'CGJ'),
  ('0104', '01', 'city_management', '道路不洁', '车行道或人行道存在明显污渍、油渍或散落物。', '路面清扫冲洗干净。', 4, 'work_hours', 'CGJ'),
  ('0105', '01', 'city_management', '水域不洁', '河道、湖面等水域有漂浮垃圾或明显污染。', '水面漂浮物打捞干净，岸线整洁。', 2, 'work_days', 'SWJ'),
  ('0106', '01', 'city_management', '绿地脏乱', '公共绿地内有垃圾、杂物或被踩踏损毁。', '绿地清理干净，损毁部分补植。', 1, 'work_days', 'YLJ'),
  ('0107', '01', 'city_management', '废弃车辆', '公共区域长期停放无牌照或破损严重的废弃车辆。', '废弃车辆已拖离，现场清理干净。', 5, 'work_days', 'GAJ'),
  ('0108', '01', 'city_management', '焚烧垃圾树叶', '露天焚烧垃圾、树叶或其他废弃物。', '明火扑灭，残留物清理干净。', 2, 'work_hours', 'HBJ'),
  ('0199', '01', 'city_management', '其他市容环境问题', '其他影响市容环境的问题。', '问题已处置，现场恢复整洁。', 3, 'work_days', 'CGJ'),
  ('0201', '02', 'city_management', '非法小广告', '在建筑物、设施上乱涂写、乱张贴小广告。', '小广告清除干净，无明显痕迹。', 1, 'work_days', 'CGJ'),
  ('0202', '02', 'city_management', '违章张贴悬挂广告牌匾', '未经批准设置或悬挂广告牌匾、条幅。', '违规广告牌匾已拆除。', 3, 'work_days', 'CGJ'),
  ('0203', '02', 'city_management', '占道广告牌', '在道路、人行道上摆放广告牌影响通行。', '占道广告牌已清理。', 4, 'work_hours', 'CGJ'),
  ('0204', '02', 'city_management', '街头散发广告', '在街头向行人散发商业广告。', '散发行为已制止，散落广告清理干净。', 2, 'work_hours', 'CGJ'),
  ('0299', '02', 'city_management', '其他宣传广告问题', '其他违反广告管理规定的问题。', '问题已处置。', 3, 'work_days', 'CGJ'),
  ('0301', '03', 'city_management', '施工扰民', '夜间或禁止时段施工产生噪声、强光影响居民。', '扰民施工已停止或整改到位。', 4, 'work_hours', 'ZJJ'),
  ('0302', '03', 'city_management', '工地扬尘', '施工工地未采取围挡、覆盖、洒水等措施产生扬尘。', '防尘措施落实到位，无明显扬尘。', 4, 'work_hours', 'HBJ'),
  ('0303', '03', 'city_management', '道路遗撒', '运输车辆在道路上遗撒渣土、砂石等。', '遗撒物清理干净，责任车辆已查处。', 4, 'work_hours', 'CGJ'),
  ('0304', '03', 'city_management', '施工占道', '施工超出批准范围占用道路或未设警示标志。', '占道部分已退让，警示标志设置齐全。', 1, 'work_days', 'JTJ'),
  ('0305', '03', 'city_management', '无证掘路', '未经批准擅自挖掘城市道路。', '已停止挖掘，路面恢复。', 2, 'work_days', 'ZJJ'),
  ('0399', '03', 'city_management', '其他施工管理问题', '其他违反施工管理规定的问题。', '问题已处置。', 3, 'work_days', 'ZJJ'),
  ('0401', '04', 'city_management', '路面塌陷', '道路路面出现塌陷、坑洞，危及通行安全。', '塌陷处已围挡并修复，通行恢复。', 2, 'natural_hours', 'ZJJ'),
  ('0402', '04', 'city_management', '自来水管破裂', '供水管道破裂造成漏水或路面积水。', '管道已抢修，供水恢复。', 2, 'natural_hours', 'SWJ'),
  ('0403', '04', 'city_management', '燃气管道破裂', '燃气管道破裂或发现燃气泄漏。', '泄漏已切断并修复，现场安全。', 1, 'natural_hours', 'ZJJ'),
  ('0404', '04', 'city_management', '下水道堵塞或破损', '下水道堵塞造成污水外溢，或井体破损。', '管道疏通或修复，无外溢。', 4, 'natural_hours', 'SWJ'),
  ('0405', '04', 'city_management', '道路积水', '降雨后道路积水影响车辆或行人通行。', '积水已排除，道路通行正常。', 4, 'natural_hours', 'SWJ'),
  ('0406', '04', 'city_management', '火情', '发现明火、冒烟等火情。', '火情已扑灭，现场无复燃危险。', 1, 'natural_hours', 'XFJ'),
  ('0499', '04', 'city_management', '其他突发事件', '其他危及公共安全需紧急处置的事件。', '险情已排除。', 2, 'natural_hours', 'CGJ'),
  ('0501', '05', 'city_management', '无照经营游商', '在公共区域流动无照经营。', '经营行为已制止，现场无游商。', 2, 'work_hours', 'SCJ'),
  ('0502', '05', 'city_management', '流浪乞讨', '公共区域有流浪乞讨人员需要救助。', '人员已劝导或送救助站。', 4, 'work_hours', 'ZFB'),
  ('0503', '05', 'city_management', '占道废品收购', '占用道路进行废品收购、堆放。', '收购点已清理，道路恢复通行。', 4, 'work_hours', 'CGJ'),
  ('0504', '05', 'city_management', '店外经营', '沿街商户超出门窗外墙进行经营、作业。', '店外经营已退回店内。', 2, 'work_hours', 'CGJ'),
  ('0505', '05', 'city_management', '机动车乱停放', '机动车在人行道、绿地或禁停区域停放。', '车辆已驶离或依法处理。', 2, 'work_hours', 'GAJ'),
  ('0506', '05', 'city_management', '非机动车乱停放', '非机动车、共享单车无序停放影响通行。', '车辆已摆放整齐或清理。', 2, 'work_hours', 'CGJ'),
  ('0507', '05', 'city_management', '乱堆物堆料', '在公共区域堆放物料、杂物。', '堆放物已清理。', 1, 'work_days', 'CGJ'),
  ('0508', '05', 'city_management', '乱吊挂晾晒', '在道路两侧、树木、护栏上吊挂晾晒物品。', '吊挂晾晒物已清除。', 4, 'work_hours', 'CGJ'),
  ('0510', '05', 'city_management', '露天烧烤', '在公共区域露天烧烤产生油烟污染。', '烧烤行为已制止，设施已撤离。', 2, 'work_hours', 'CGJ'),
  ('0599', '05', 'city_management', '其他街面秩序问题', '其他影响街面秩序的问题。', '问题已处置。', 1, 'work_days', 'CGJ'),
  ('0601', '06', 'social_governance', '矛盾纠纷', '邻里、家庭、物业等矛盾纠纷需要调解。', '纠纷已调解，当事人签字确认。', 3, 'work_days', 'ZFB'),
  ('0602', '06', 'social_governance', '治安隐患', '存在可能引发治安案件的隐患。', '隐患已消除，复查无异常。', 1, 'work_days', 'GAJ'),
  ('0603', '06', 'social_governance', '特殊人群', '特殊人群出现异常情况需要关注帮扶。', '帮扶措施落实，情况稳定。', 5, 'work_days', 'ZFB'),
  ('0604', '06', 'social_governance', '安全生产隐患', '生产经营场所存在安全生产隐患。', '隐患整改完毕，复查合格。', 3, 'work_days', 'ZJJ'),
  ('0605', '06', 'social_governance', '消防安全隐患', '消防通道堵塞、设施缺失或违规用火用电。', '隐患整改完毕，复查合格。', 1, 'work_days', 'XFJ'),
  ('0606', '06', 'social_governance', '食品安全隐患', '发现售卖过期、变质食品或无证加工。', '问题食品已下架，违规行为已查处。', 1, 'work_days', 'SCJ'),
  ('0699', '06', 'social_governance', '其他社会治理问题', '其他需要网格协调处置的社会治理问题。', '问题已处置，当事人无异议。', 5, 'work_days', 'ZFB'),
  ('9901', '99', 'city_management', '群众求助', '群众需要帮助解决的生活困难。', '求助事项已办理并回访。', 3, 'work_days', 'ZFB'),
  ('9999', '99', 'city_management', '其他事件', '不属于以上分类的事件。', '问题已处置。', 5, 'work_days', 'CGJ');
