# ruff: noqa: E501  (the catalogue is a data table, one item per line)
"""A realistic two-level catalogue for the demo city (14 categories, Zhifu/Luoyang-like items).

Issue 13 point 12: Zhifu's street windows run 40 one-window items (低保, 高龄补贴, 灵活就业认定,
党费缴纳 …), so the five 一窗受理 groups (10–14) hold 40 items, each with its responsible
departments (the first one leads), first tier, response limit in hours, completion limit in
working days, keywords for the suggester and the materials the window asks for. The other nine
groups are the problems residents report (城市管理, 物业, 市政 …).

``catalog_seed_demo()`` writes it (idempotent by code): responsible departments are looked up by
name among the units of kind department, so it works in the demo build and on a real database
whose departments carry these names; a missing department is simply left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from quanyu.catalog.models import Category, Tier
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

CATALOGUE: tuple[Group, ...] = (
    Group("01", "市容环境", (
        Item("0101", "占道经营", (CG, ZF), G, 4, 3, "摆摊 占道 流动摊贩 出店经营 夜市", service_code="street-vending"),
        Item("0102", "乱堆乱放", (CG, HW), G, 8, 3, "乱堆 乱放 杂物 堆放 建筑垃圾"),
        Item("0103", "垃圾清运", (HW,), G, 8, 2, "垃圾 清运 垃圾桶 满溢 没人收", service_code="garbage"),
        Item("0104", "违规广告", (CG,), C, 24, 5, "小广告 牛皮癣 横幅 广告牌 张贴"),
        Item("0105", "油烟噪音扰民", (ST, CG), S, 12, 7, "油烟 噪音 扰民 施工噪音 广场舞"),
    )),
    Group("02", "物业管理", (
        Item("0201", "电梯故障", (WY, SC), S, 2, 3, "电梯 困人 停运 故障 维保", service_code="elevator"),
        Item("0202", "物业服务纠纷", (WY, ZJ), C, 24, 7, "物业 物业费 保安 保洁 业委会"),
        Item("0203", "楼道照明", (WY,), G, 24, 3, "楼道灯 声控灯 照明 楼道 不亮"),
        Item("0204", "房屋漏水", (ZJ, WY), C, 24, 10, "漏水 渗水 屋顶 防水 墙皮"),
        Item("0205", "违章搭建", (ZF, ZJ), S, 24, 15, "违建 私搭乱建 违章 搭建 封阳台"),
    )),
    Group("03", "市政设施", (
        Item("0301", "路灯不亮", (SZ,), G, 24, 3, "路灯 不亮 灯坏 黑灯", service_code="streetlight"),
        Item("0302", "道路破损", (SZ, JT), S, 24, 7, "坑洼 路面 破损 塌陷 人行道 地砖", service_code="pothole"),
        Item("0303", "井盖缺失", (SZ, SW), G, 2, 2, "井盖 缺失 下水井 窨井", service_code="manhole"),
        Item("0304", "下水道堵塞", (SW,), C, 8, 3, "下水道 堵塞 污水 外溢 反味"),
        Item("0305", "公交站亭损坏", (JT,), S, 24, 10, "公交站 站亭 站牌"),
    )),
    Group("04", "园林绿化", (
        Item("0401", "树木修剪", (YL,), C, 24, 10, "树枝 修剪 遮挡 大树 枯树"),
        Item("0402", "绿地破坏", (YL, CG), G, 24, 7, "绿地 毁绿 种菜 草坪"),
    )),
    Group("05", "供水供暖供气", (
        Item("0501", "停水水压", (GS, SW), S, 4, 3, "停水 水压 没水 水质 自来水"),
        Item("0502", "供暖不热", (GR,), S, 4, 3, "暖气 不热 供暖 温度 采暖", service_code="heating"),
        Item("0503", "燃气问题", (RQ,), S, 1, 2, "燃气 煤气 天然气 漏气 燃气表"),
        Item("0504", "停电故障", (GD,), S, 2, 2, "停电 跳闸 电路 断电 电线"),
    )),
    Group("06", "社会治安", (
        Item("0601", "治安隐患", (GA,), S, 2, 5, "治安 小偷 盗窃 可疑人员"),
        Item("0602", "消防通道堵塞", (GA, ZF), G, 4, 3, "消防通道 堵塞 占用 飞线充电 电动车"),
        Item("0603", "邻里纠纷", (GA,), C, 24, 7, "邻里 纠纷 吵架 矛盾 调解"),
    )),
    Group("07", "交通出行", (
        Item("0701", "违章停车", (GA, CG), G, 8, 3, "乱停车 违停 停车 僵尸车 共享单车"),
        Item("0702", "交通信号", (GA, JT), S, 8, 5, "红绿灯 信号灯 斑马线 标线"),
    )),
    Group("08", "食品药品与市场", (
        Item("0801", "食品安全", (SC,), S, 8, 10, "食品 过期 变质 卫生 饭店"),
        Item("0802", "价格欺诈", (SC,), S, 24, 10, "价格 欺诈 缺斤短两 明码标价"),
    )),
    Group("09", "生态环境", (
        Item("0901", "大气污染", (ST,), S, 8, 10, "烟尘 扬尘 异味 焚烧 秸秆"),
        Item("0902", "水体污染", (ST, SW), S, 8, 10, "河道 污染 排污 黑臭"),
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
)  # fmt: skip

ONE_WINDOW_GROUPS = frozenset({"10", "11", "12", "13", "14"})


def catalog_seed_demo() -> list[Category]:
    """Create or update the demo catalogue; answers its items in catalogue order."""
    departments = {u.name: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    items: list[Category] = []
    with transaction.atomic():
        for g_order, group in enumerate(CATALOGUE):
            top, _created = Category.objects.update_or_create(
                code=group.code, defaults={"name": group.name, "parent": None, "sort_order": g_order}
            )
            for i_order, item in enumerate(group.items):
                units = [departments[name] for name in item.departments if name in departments]
                category, _created = Category.objects.update_or_create(
                    code=item.code,
                    defaults={
                        "parent": top,
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
                        "sort_order": i_order,
                    },
                )
                category.departments.set(units)
                items.append(category)
    return items
