-- The VIP products and the label catalogue every installation starts with.

INSERT INTO product (id, name, `desc`, vip_time, price) VALUES
  (1, '月度会员', '30 days of VIP: see who viewed you', 30, 30.00),
  (2, '季度会员', '90 days of VIP: see who viewed you', 90, 78.00),
  (3, '年度会员', '365 days of VIP: see who viewed you', 365, 258.00);

INSERT INTO label (id, name, gender, meaning) VALUES
  (1, '阳光', 0, 'sunny'),
  (2, '幽默', 0, 'humorous'),
  (3, '温柔', 2, 'gentle'),
  (4, '靠谱', 1, 'reliable'),
  (5, '吃货', 0, 'foodie'),
  (6, '运动达人', 0, 'sporty'),
  (7, '文艺青年', 0, 'artsy'),
  (8, '旅行', 0, 'traveller'),
  (9, '宅', 0, 'homebody'),
  (10, '上进', 0, 'ambitious'),
  (11, '萌', 2, 'cute'),
  (12, '大叔', 1, 'mature'),
  (13, '健身', 0, 'gym'),
  (14, '音乐', 0, 'music'),
  (15, '猫奴', 0, 'cat person'),
  (16, '学霸', 0, 'bookish');
