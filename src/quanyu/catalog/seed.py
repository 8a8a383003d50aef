# ruff: noqa: E501  (the catalogue is a data table, one item per line)
"""A realistic two-level catalogue for the demo city: 120 items in 12 categories.

Issue 13 point 12. Luoyang's platform offers "12大类120项在线便民服务", one front desk with the
departments behind it (前台一口受理,后台协同办理); Zhifu's community windows run 40 one-window
items (低保, 高龄补贴, 灵活就业认定, 党费缴纳 …). So the catalogue is 12 categories of 120 items:
the five 一窗受理 groups (10–14) hold Zhifu's 40, each with the materials the window asks for;
six groups hold the problems residents report (市容, 物业, 市政园林, 水电气暖, 治安交通, 市场);
and 邻里便民服务 (15) the neighbourhood-centre services Luoyang's report names (家庭医疗, 日间照料,
亲子早教, 运动休闲, 裁缝修补, 便民工具屋 …). Every item has its responsible departments (the
first one leads), first tier, response limit in hours, completion limit in working days and
keywords for the suggester. Items keep their codes when their group changes (园林绿化 04 is now in
03, 生态环境 09 in 01, 交通出行 07 in 06), so tickets, hotline files and models that name a code
still find it; the emptied groups are switched off (``RETIRED_GROUPS``).

``catalog_seed_demo()`` writes it (idempotent by code) in a handful of queries: responsible
departments are looked up by name among the units of kind department, so it works in the demo
build and on a real database whose departments carry these names; a missing department is simply
left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from quanyu.catalog.models import Category, Tier
from quanyu.core.memo import forget_models
from quanyu.orgs.models import Unit, UnitKind


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    departments: tuple[str, ...]
    tier: str = Tier.GRID
    response_hours: int = 24
    completion_days: int = 5
    keywords: str = ""
    materials: tuple[str, ...] = ()
    service_code: str = ""


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    items: tuple[Item, ...] = field(default_factory=tuple)


G, C, S = Tier.GRID, Tier.COMMUNITY, Tier.STREET
CG, ZJ, SC, ST, SW, MZ, WJ = (
    "区城管局",
    "区住建局",
    "区市场监管局",
    "区生态环境分局",
    "区水务局",
    "区民政局",
    "区卫健局",
)
GA, RS, YB, SP, ZF, JT, WY = (
    "公安芝罘分局",
    "区人社局",
    "区医保局",
    "区行政审批服务局",
    "区综合行政执法局",
    "区交通运输局",
    "区物业管理服务中心",
)
GR, YL, HW, SZ, GD, GS, RQ = (
    "区供热管理办公室",
    "区园林绿化服务中心",
    "区环境卫生服务中心",
    "区市政设施维护中心",
    "国网芝罘供电中心",
    "区供水服务中心",
    "区燃气服务中心",
)
TY, SB, JY, CZ, CL, TW, GH = (
    "区退役军人局",
    "区社会保险事业中心",
    "区公共就业和人才服务中心",
    "区财政局",
    "区残联",
    "团区委",
    "区总工会",
)
FL, SG, SF = "区妇联", "区委社会工作部", "区司法局"
ED, WL, SWJ, YJ, GX = "区教体局", "区文旅局", "区商务局", "区应急局", "区城市更新服务中心"

CATALOGUE: tuple[Group, ...] = (
    Group("01", "市容与生态环境", (
        Item("0101", "占道经营", (CG, ZF), G, 4, 3, "摆摊 占道 流动摊贩 出店经营 夜市", service_code="street-vending"),
        Item("0102", "乱堆乱放", (CG, HW), G, 8, 3, "乱堆 乱放 杂物 堆放 建筑垃圾"),
        Item("0103", "垃圾清运", (HW,), G, 8, 2, "垃圾 清运 垃圾桶 满溢 没人收", service_code="garbage"),
        Item("0104", "违规广告", (CG,), C, 24, 5, "小广告 牛皮癣 横幅 广告牌 张贴"),
        Item("0105", "油烟噪音扰民", (ST, CG), S, 12, 7, "油烟 噪音 扰民 施工噪音 广场舞"),
        Item("0901", "大气污染", (ST,), S, 8, 10, "烟尘 扬尘 异味 焚烧 秸秆"),
        Item("0902", "水体污染", (ST, SW), S, 8, 10, "河道 污染 排污 黑臭"),
        Item("0106", "垃圾分类", (HW, CG), G, 24, 3, "垃圾分类 分类投放 厨余垃圾 可回收物 有害垃圾"),
        Item("0107", "公共厕所管理", (HW,), G, 8, 2, "公厕 公共厕所 厕所脏 厕所锁门"),
        Item("0108", "犬只管理", (GA, CG), G, 8, 3, "遛狗 犬只 狗咬人 流浪狗 狗叫 不拴绳"),
        Item("0109", "工地扬尘与渣土", (ZJ, ST), S, 8, 5, "工地扬尘 渣土车 渣土 工地围挡 撒漏"),
        Item("0110", "露天烧烤", (CG, ST), G, 4, 2, "露天烧烤 烧烤摊 烟熏火燎"),
    )),
    Group("02", "物业管理", (
        Item("0201", "电梯故障", (WY, SC), S, 2, 3, "电梯 困人 停运 故障 维保", service_code="elevator"),
        Item("0202", "物业服务纠纷", (WY, ZJ), C, 24, 7, "物业 物业费 保安 保洁 业委会"),
        Item("0203", "楼道照明", (WY,), G, 24, 3, "楼道灯 声控灯 照明 楼道 不亮"),
        Item("0204", "房屋漏水", (ZJ, WY), C, 24, 10, "漏水 渗水 屋顶 防水 墙皮"),
        Item("0205", "违章搭建", (ZF, ZJ), S, 24, 15, "违建 私搭乱建 违章 搭建 封阳台"),
        Item("0206", "小区停车管理", (WY, GA), C, 24, 5, "小区停车 车位 地库 道闸 停车费"),
        Item("0207", "二次供水", (GS, WY), C, 8, 3, "二次供水 水箱 加压泵 高层没水"),
        Item("0208", "房屋维修资金使用", (ZJ,), S, 24, 15, "维修资金 维修基金 公共维修 大修"),
        Item("0209", "老旧小区改造", (GX, ZJ), S, 24, 20, "老旧小区 改造 加装电梯 外墙保温"),
        Item("0210", "小区公共设施损坏", (WY,), G, 24, 5, "单元门 门禁 楼道扶手 信报箱 小区设施"),
        Item("0211", "高空抛物", (GA, WY), C, 4, 5, "高空抛物 坠物 往楼下扔 砸车"),
        Item("0212", "业主大会与业委会选举", (ZJ, WY), S, 24, 20, "业主大会 业委会换届 业主委员会 选举"),
    )),
    Group("03", "市政园林", (
        Item("0301", "路灯不亮", (SZ,), G, 24, 3, "路灯 不亮 灯坏 黑灯", service_code="streetlight"),
        Item("0302", "道路破损", (SZ, JT), S, 24, 7, "坑洼 路面 破损 塌陷 人行道 地砖", service_code="pothole"),
        Item("0303", "井盖缺失", (SZ, SW), G, 2, 2, "井盖 缺失 下水井 窨井", service_code="manhole"),
        Item("0304", "下水道堵塞", (SW,), C, 8, 3, "下水道 堵塞 污水 外溢 反味"),
        Item("0305", "公交站亭损坏", (JT,), S, 24, 10, "公交站 站亭 站牌"),
        Item("0401", "树木修剪", (YL,), C, 24, 10, "树枝 修剪 遮挡 大树 枯树"),
        Item("0402", "绿地破坏", (YL, CG), G, 24, 7, "绿地 毁绿 种菜 草坪"),
        Item("0306", "积水内涝", (SW, SZ), S, 2, 2, "积水 内涝 排水不畅 雨水篦子"),
        Item("0307", "护栏隔离设施损坏", (SZ, JT), G, 24, 5, "护栏 隔离栏 防撞桩 石墩"),
        Item("0308", "公共健身器材维修", (ED,), C, 24, 7, "健身器材 单杠 漫步机 器材坏"),
        Item("0309", "公园设施维护", (YL,), C, 24, 7, "公园 座椅 凉亭 园路 步道"),
        Item("0310", "园林病虫害防治", (YL,), C, 24, 7, "病虫害 打药 美国白蛾 树上有虫"),
    )),
    Group("05", "供水供电供暖供气", (
        Item("0501", "停水水压", (GS, SW), S, 4, 3, "停水 水压 没水 水质 自来水"),
        Item("0502", "供暖不热", (GR,), S, 4, 3, "暖气 不热 供暖 温度 采暖", service_code="heating"),
        Item("0503", "燃气问题", (RQ,), S, 1, 2, "燃气 煤气 天然气 漏气 燃气表"),
        Item("0504", "停电故障", (GD,), S, 2, 2, "停电 跳闸 电路 断电 电线"),
        Item("0505", "水电费缴纳与电表", (GS, GD), C, 24, 3, "水费 电费 欠费停电 预存 电表"),
        Item("0506", "取暖费与供暖报停", (GR,), C, 24, 5, "取暖费 暖气费 报停 停暖"),
        Item("0507", "燃气入户安检", (RQ, YJ), C, 24, 5, "入户安检 燃气报警器 燃气管道 燃气软管"),
        Item("0508", "自来水水质异常", (GS, WJ), S, 4, 3, "水发黄 水浑浊 水质差 有沉淀"),
        Item("0509", "电力线路隐患", (GD,), S, 4, 3, "电线杆 高压线 线路老化 电缆"),
        Item("0510", "供热管网维修", (GR, SZ), S, 4, 3, "暖气漏水 供热管网 阀门 暖气管"),
    )),
    Group("06", "治安与交通", (
        Item("0601", "治安隐患", (GA,), S, 2, 5, "治安 小偷 盗窃 可疑人员"),
        Item("0602", "消防通道堵塞", (GA, ZF), G, 4, 3, "消防通道 堵塞 占用 飞线充电 电动车"),
        Item("0603", "邻里纠纷", (GA,), C, 24, 7, "邻里 纠纷 吵架 矛盾 调解"),
        Item("0701", "违章停车", (GA, CG), G, 8, 3, "乱停车 违停 停车 僵尸车 共享单车"),
        Item("0702", "交通信号", (GA, JT), S, 8, 5, "红绿灯 信号灯 斑马线 标线"),
        Item("0604", "电信网络诈骗", (GA,), S, 2, 5, "诈骗 电诈 冒充客服 刷单 反诈"),
        Item("0605", "人民调解申请", (SF,), C, 24, 10, "人民调解 赡养纠纷 婚姻家庭 遗产纠纷"),
        Item("0606", "法律援助咨询", (SF,), C, 24, 7, "法律援助 律师 打官司 法律咨询 欠薪"),
        Item("0607", "安全生产隐患", (YJ,), S, 4, 5, "安全隐患 危化品 液化气罐 小作坊"),
        Item("0608", "群租房治理", (GA, ZJ), C, 24, 10, "群租 隔断间 出租屋 住人太多"),
        Item("0703", "共享单车乱停放", (JT, CG), G, 8, 2, "共享单车 单车乱停 单车堆积"),
        Item("0704", "公交线路与站点", (JT,), S, 24, 15, "公交线路 公交车 班次 增设站点 末班车"),
    )),
    Group("08", "食品药品与市场", (
        Item("0801", "食品安全", (SC,), S, 8, 10, "食品 过期 变质 卫生 饭店"),
        Item("0802", "价格欺诈", (SC,), S, 24, 10, "价格 欺诈 缺斤短两 明码标价"),
        Item("0803", "药品安全", (SC,), S, 8, 10, "药品 药店 假药 处方药 保健品"),
        Item("0804", "消费维权", (SC,), S, 24, 7, "退货 消费纠纷 维权 预付卡 办卡跑路"),
        Item("0805", "特种设备安全", (SC,), S, 8, 7, "特种设备 锅炉 压力容器 游乐设施"),
        Item("0806", "无证无照经营", (SC, ZF), S, 24, 10, "无照经营 无证 黑作坊 无营业执照"),
        Item("0807", "农贸市场管理", (SC, CG), C, 24, 7, "农贸市场 菜市场 早市 摊位"),
        Item("0808", "校园周边食品安全", (SC, ED), S, 8, 7, "学校周边 校园周边 小卖部 辣条"),
        Item("0809", "网络交易纠纷", (SC,), S, 24, 15, "网购 网店 直播带货 外卖"),
        Item("0810", "商品质量", (SC,), S, 24, 10, "质量问题 假冒伪劣 山寨 以次充好"),
    )),
    Group("10", "社会保障与民政", (
        Item("1001", "低保救助申请", (MZ,), C, 24, 10, "低保 救助 困难 补贴", ("身份证", "户口簿", "收入证明", "申请书")),
        Item("1002", "高龄津贴申领", (MZ,), C, 24, 10, "高龄 津贴 老人 补贴", ("身份证", "户口簿", "银行卡")),
        Item("1003", "残疾人证办理", (CL,), C, 24, 15, "残疾 残疾证 轮椅", ("身份证", "户口簿", "二寸照片")),
        Item("1004", "养老服务", (MZ,), C, 24, 10, "养老 助餐 居家养老 日间照料", ("身份证", "户口簿")),
        Item("1005", "特困人员救助供养申请", (MZ,), C, 24, 20, "特困 五保 供养 孤寡", ("身份证", "户口簿", "申请书")),
        Item("1006", "临时救助申请", (MZ,), C, 8, 5, "临时救助 急难 突发 困难", ("身份证", "情况说明")),
        Item("1007", "残疾人两项补贴申请", (MZ, CL), C, 24, 15, "困难残疾人 生活补贴 护理补贴", ("身份证", "残疾人证", "银行卡")),
        Item("1008", "困难群众医疗救助", (YB, MZ), C, 24, 15, "医疗救助 大病 看病 报销", ("身份证", "医疗费用票据", "出院记录")),
        Item("1009", "经济困难老人养老服务补贴", (MZ,), C, 24, 15, "养老服务补贴 失能 困难老人", ("身份证", "户口簿", "评估表")),
        Item("1010", "惠民殡葬补贴申领", (MZ,), C, 24, 10, "殡葬 丧葬 火化 补贴", ("死亡证明", "火化证明", "经办人身份证")),
        Item("1011", "老年人优待证办理", (MZ,), C, 24, 5, "老年证 优待证 乘车 六十五岁", ("身份证", "一寸照片")),
    )),
    Group("11", "一窗受理·人社医保", (
        Item("1101", "灵活就业社保登记", (RS,), C, 24, 5, "社保 灵活就业 养老保险 缴费", ("身份证",)),
        Item("1102", "医保参保登记", (YB,), C, 24, 5, "医保 参保 居民医保", ("身份证", "户口簿")),
        Item("1103", "就业失业登记", (RS,), C, 24, 5, "失业 就业 登记 就业创业证", ("身份证", "一寸照片")),
        Item("1104", "门诊慢特病申请", (YB, WJ), C, 24, 15, "慢特病 门诊 慢性病", ("身份证", "医保卡", "病历资料")),
        Item("1105", "灵活就业人员认定", (JY, RS), C, 24, 5, "灵活就业认定 自由职业 社保补贴", ("身份证", "灵活就业申报表")),
        Item("1106", "城乡居民养老保险参保", (SB,), C, 24, 5, "居民养老保险 居民社保 缴费档次", ("身份证", "户口簿")),
        Item("1107", "退休人员社会化服务", (SB, RS), C, 24, 10, "退休 养老金 资格认证 退休手续", ("身份证", "退休证")),
        Item("1108", "异地就医备案", (YB,), C, 24, 3, "异地就医 备案 外地看病", ("身份证", "医保卡")),
        Item("1109", "职业技能培训报名", (JY,), C, 24, 5, "技能培训 培训补贴 职业培训", ("身份证", "学历证明")),
        Item("1110", "创业担保贷款申请", (JY, CZ), C, 24, 20, "创业贷款 担保贷款 贴息", ("身份证", "营业执照", "创业计划书")),
    )),
    Group("12", "一窗受理·证照审批", (
        Item("1201", "居住证办理", (GA,), C, 24, 10, "居住证 暂住", ("身份证", "租房合同", "一寸照片")),
        Item("1202", "个体工商户登记", (SP,), C, 24, 3, "营业执照 个体户 工商登记", ("身份证", "经营场所证明")),
        Item("1203", "食品经营许可", (SP, SC), C, 24, 10, "食品经营许可证 许可", ("营业执照", "身份证", "场所平面图")),
        Item("1204", "装修备案", (WY, ZJ), C, 24, 3, "装修 备案 装修押金", ("身份证", "房产证", "装修方案"), "renovation"),
        Item("1205", "出租房屋登记", (GA,), C, 24, 5, "出租房 租房 房屋租赁 登记", ("房产证", "出租人身份证", "租赁合同")),
        Item("1206", "居住证明开具", (GA,), C, 8, 2, "居住证明 开证明 实际居住", ("身份证", "户口簿")),
    )),
    Group("13", "一窗受理·党群服务", (
        Item("1301", "党费缴纳", (SG,), C, 24, 3, "党费 缴纳 交党费 补交", ("党员证明",)),
        Item("1302", "党员组织关系转接", (SG,), C, 24, 5, "组织关系 转接 介绍信 转入 转出", ("组织关系介绍信", "身份证")),
        Item("1303", "流动党员登记", (SG,), C, 24, 5, "流动党员 外出 流入 登记", ("身份证", "党员证明")),
        Item("1304", "在职党员社区报到", (SG,), C, 24, 3, "双报到 社区报到 在职党员", ("报到登记表",)),
        Item("1305", "志愿者注册", (TW,), C, 24, 3, "志愿者 注册 志愿服务 时长", ("身份证",)),
        Item("1306", "工会会员入会", (GH,), C, 24, 5, "工会 入会 职工 会员", ("身份证", "入会申请书")),
        Item("1307", "妇女儿童权益求助", (FL, SF), C, 8, 10, "妇女 儿童 家暴 维权 求助", ("身份证", "情况说明")),
    )),
    Group("14", "一窗受理·卫健与退役军人", (
        Item("1401", "生育登记", (WJ,), C, 24, 3, "生育 登记 准生 二孩 三孩", ("夫妻身份证", "结婚证")),
        Item("1402", "独生子女父母奖励申领", (WJ,), C, 24, 15, "独生子女 奖励 奖扶 计生", ("身份证", "独生子女证")),
        Item("1403", "计划生育特别扶助申请", (WJ,), C, 24, 20, "特别扶助 失独 特扶", ("身份证", "户口簿", "申请书")),
        Item("1404", "家庭医生签约", (WJ,), C, 24, 5, "家庭医生 签约 慢病 随访", ("身份证", "医保卡")),
        Item("1405", "退役军人优待证申领", (TY,), C, 24, 15, "优待证 退役军人 老兵", ("身份证", "退伍证", "一寸照片")),
        Item("1406", "优抚对象补助申领", (TY, MZ), C, 24, 15, "优抚 抚恤 补助 烈属 伤残", ("身份证", "优抚证件", "银行卡")),
    )),
    Group("15", "邻里便民服务", (
        Item("1501", "家庭医疗上门服务", (WJ,), C, 24, 3, "上门看病 上门打针 家庭病床 量血压"),
        Item("1502", "老年人日间托老", (MZ,), C, 24, 5, "托老 老年食堂 助浴 日托"),
        Item("1503", "亲子早教", (FL, ED), C, 24, 7, "早教 亲子活动 托育 绘本"),
        Item("1504", "四点半课堂", (ED, TW), C, 24, 5, "四点半课堂 放学托管 作业辅导 假期托管"),
        Item("1505", "运动休闲场地预约", (ED, WL), C, 24, 3, "场地预约 篮球场 乒乓球 健身房"),
        Item("1506", "裁缝修补", (SWJ,), C, 24, 3, "裁缝 改衣服 缝补 修鞋 配钥匙"),
        Item("1507", "便民工具借用", (SG,), G, 24, 2, "借工具 工具屋 电钻 梯子 打气筒"),
        Item("1508", "家电上门维修", (SWJ,), C, 24, 5, "家电维修 修空调 修洗衣机 上门维修"),
        Item("1509", "家政服务预约", (SWJ, FL), C, 24, 3, "家政 保洁阿姨 月嫂 育儿嫂 钟点工"),
        Item("1510", "邻里书吧借阅", (WL,), C, 24, 3, "书吧 借书 图书 阅览室 读书会"),
        Item("1511", "文体活动报名", (WL, SG), C, 24, 5, "文艺演出 合唱团 活动报名 兴趣班"),
        Item("1512", "志愿服务预约", (SG, TW), C, 24, 3, "志愿服务预约 上门帮扶 代买代办 助老"),
    )),
)  # fmt: skip

ONE_WINDOW_GROUPS = frozenset({"10", "11", "12", "13", "14"})
RETIRED_GROUPS = ("04", "07", "09")  # merged into 03, 06 and 01 (see the module docstring)
_ITEM_FIELDS = (
    "parent",
    "name",
    "first_tier",
    "response_hours",
    "completion_days",
    "keywords",
    "is_one_window",
    "materials",
    "open311_published",
    "service_code",
    "lead_department",
    "sort_order",
)


def _item_values(item: Item, group: Category, order: int, units: list[Unit]) -> dict[str, object]:
    return {
        "parent": group,
        "name": item.name,
        "first_tier": item.tier,
        "response_hours": item.response_hours,
        "completion_days": item.completion_days,
        "keywords": item.keywords,
        "is_one_window": bool(item.materials) or group.code in ONE_WINDOW_GROUPS,
        "materials": list(item.materials),
        "open311_published": bool(item.service_code),
        "service_code": item.service_code,
        "lead_department": units[0] if units else None,
        "sort_order": order,
    }


def _differs(row: Category, name: str, value: object) -> bool:
    if name in ("parent", "lead_department"):  # by id: no query for the related row
        return getattr(row, f"{name}_id") != getattr(value, "pk", None)
    return bool(getattr(row, name) != value)


def catalog_seed_demo() -> list[Category]:
    """Create or update the demo catalogue; answers its items in catalogue order."""
    departments = {u.name: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    codes = [g.code for g in CATALOGUE] + [it.code for g in CATALOGUE for it in g.items]
    with transaction.atomic():
        existing = {c.code: c for c in Category.objects.filter(code__in=codes)}
        groups: dict[str, Category] = {}
        for g_order, group in enumerate(CATALOGUE):
            top = existing.get(group.code) or Category(code=group.code)
            top.name, top.parent, top.sort_order, top.active = group.name, None, g_order, True
            top.save()
            groups[group.code] = top
        items: list[Category] = []
        changed: list[Category] = []
        wanted: dict[str, list[Unit]] = {}
        for group in CATALOGUE:
            for i_order, item in enumerate(group.items):
                units = [departments[name] for name in item.departments if name in departments]
                row = existing.get(item.code) or Category(code=item.code)
                values = _item_values(item, groups[group.code], i_order, units)
                if row.pk is not None and any(_differs(row, k, v) for k, v in values.items()):
                    changed.append(row)
                for name, value in values.items():
                    setattr(row, name, value)
                items.append(row)
                wanted[item.code] = units
        Category.objects.bulk_create([c for c in items if c.pk is None])
        # Only the rows that differ: a re-seed of an unchanged catalogue writes no item.
        Category.objects.bulk_update(changed, _ITEM_FIELDS, batch_size=50)
        _set_departments(items, wanted)
        Category.objects.filter(code__in=RETIRED_GROUPS, parent=None).exclude(children__active=True).update(
            active=False
        )
    forget_models(Category)  # bulk writes send no signal: the suggester's cached matcher
    return items


def _set_departments(items: list[Category], wanted: dict[str, list[Unit]]) -> None:
    """Each item's responsible departments exactly ``wanted``, in two statements."""
    through = Category.departments.through
    rows = through.objects.filter(category__in=items).values_list("pk", "category_id", "unit_id")
    have = {(category, unit): pk for pk, category, unit in rows}
    want = {(c.pk, u.pk) for c in items for u in wanted[c.code]}
    stale = [pk for pair, pk in have.items() if pair not in want]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create([through(category_id=c, unit_id=u) for c, u in sorted(want - set(have))])
