"""Word lists of the demo city: real street names of 芝罘区, word stems for generated community and
compound names (with their pinyin, so that demo user names are easy to type), the district's
functional departments and the kinds of resident units. Data only; no persons are real.
"""

from __future__ import annotations

from typing import NamedTuple

CITY_NAME = "烟台市"
CITY_CODE = "370600"
DISTRICT_NAME = "芝罘区"
DISTRICT_CODE = "370602"

# The district's extent (WGS-84) and its densest part (the old town between 向阳 and 毓璜顶).
LON_MIN, LON_MAX = 121.33, 121.47
LAT_MIN, LAT_MAX = 37.50, 37.58
CORE_LON, CORE_LAT = 121.397, 37.538


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Parse "汉字:pinyin 汉字:pinyin …" into pairs."""
    return tuple((h, p) for h, _, p in (item.partition(":") for item in text.split()))


class StreetName(NamedTuple):
    name: str
    pinyin: str
    # Where the street roughly lies, as a fraction of the district's extent (0,0 = south-west).
    u: float
    v: float


# The 12 streets of 芝罘区 in the order of their statistical codes 370602001…370602012.
STREETS: tuple[StreetName, ...] = (
    StreetName("向阳街道", "xiangyang", 0.54, 0.62),
    StreetName("东山街道", "dongshan", 0.74, 0.46),
    StreetName("毓璜顶街道", "yuhuangding", 0.45, 0.42),
    StreetName("通伸街道", "tongshen", 0.30, 0.45),
    StreetName("芝罘岛街道", "zhifudao", 0.46, 0.90),
    StreetName("世回尧街道", "shihuiyao", 0.78, 0.16),
    StreetName("黄务街道", "huangwu", 0.22, 0.14),
    StreetName("只楚街道", "zhichu", 0.09, 0.42),
    StreetName("白石街道", "baishi", 0.46, 0.13),
    StreetName("奇山街道", "qishan", 0.62, 0.30),
    StreetName("幸福街道", "xingfu", 0.16, 0.74),
    StreetName("凤凰台街道", "fenghuangtai", 0.32, 0.70),
)

# Word stems (hanzi, pinyin) for community, compound and unit names.
STEMS: tuple[tuple[str, str], ...] = _pairs(
    """
    海阳:haiyang 南山:nanshan 北山:beishan 朝阳:chaoyang 东华:donghua 西华:xihua 青华:qinghua
    胜利:shengli 红旗:hongqi 文化:wenhua 建设:jianshe 新华:xinhua 和平:heping 青年:qingnian
    解放:jiefang 三马:sanma 二马:erma 大马:dama 海岸:haian 滨海:binhai 港城:gangcheng 金沙:jinsha
    银河:yinhe 翠屏:cuiping 紫薇:ziwei 广仁:guangren 所城:suocheng 环山:huanshan 塔山:tashan
    西山:xishan 东岗:donggang 西沙旺:xishawang 上夼:shangkuang 下夼:xiakuang 大海阳:dahaiyang
    鲁东:ludong 黄山:huangshan 芝兰:zhilan 芝水:zhishui 毓西:yuxi 毓东:yudong 南通:nantong
    通世:tongshi 北马:beima 南大:nanda 振华:zhenhua 兴华:xinghua 世纪:shiji 华安:huaan 新桥:xinqiao
    宏源:hongyuan 锦华:jinhua 金桥:jinqiao 福海:fuhai 珠玑:zhuji 菊花:juhua 樱桃:yingtao 葡萄:putao
    海韵:haiyun 观海:guanhai 望海:wanghai 听涛:tingtao 碧海:bihai 蓝湾:lanwan 金海:jinhai
    银滩:yintan 玉岱:yudai 松林:songlin 桃花:taohua 杏林:xinglin 梧桐:wutong 槐花:huaihua
    柳林:liulin 凤鸣:fengming 鹿鸣:luming 龙泉:longquan 清泉:qingquan 永安:yongan 长安:changan
    平安:pingan 安康:ankang 康乐:kangle 祥和:xianghe 瑞祥:ruixiang 吉祥:jixiang 富康:fukang
    明珠:mingzhu 阳光:yangguang 春晖:chunhui 晨曦:chenxi 光华:guanghua 育才:yucai 书院:shuyuan
    文苑:wenyuan 锦绣:jinxiu 恒祥:hengxiang 东方:dongfang 卧龙:wolong 百合:baihe 芳华:fanghua
    绿洲:lvzhou 南洪:nanhong 西关:xiguan 东关:dongguan 北关:beiguan 南关:nanguan 马山:mashan
    崇文:chongwen 尚德:shangde 同心:tongxin 永兴:yongxing 宝泉:baoquan 锦城:jincheng 奥林:aolin
    双河:shuanghe 燕台:yantai 烟墩:yandun 朱家:zhujia 孙家:sunjia 刘家:liujia 王家:wangjia
    李家:lijia 张家:zhangjia 于家:yujia 曲家:qujia 宫家:gongjia 姜家:jiangjia 林家:linjia
    """
)

# Suffixes of community names (hanzi, pinyin); village-style suffixes fit the outer streets.
COMMUNITY_SUFFIXES = _pairs(":  路:lu 街:jie 里:li 园:yuan 新村:xincun 花园:huayuan 庄:zhuang")
OUTER_STREETS = frozenset({"黄务街道", "只楚街道", "世回尧街道", "白石街道"})
VILLAGE_SUFFIXES = _pairs("村:cun 庄:zhuang :")

COMPOUND_SUFFIXES = ("小区", "花园", "苑", "家园", "新村", "公寓", "小区", "雅居")


class Department(NamedTuple):
    key: str  # the demo user names of its handlers: bumen_<key>, bumen_<key>_2
    name: str


# Functional departments of the district (the "64 区级部门" of the e呼应 platform).
DEPARTMENTS: tuple[Department, ...] = (
    Department("chengguan", "区城管局"),
    Department("zhujian", "区住建局"),
    Department("shichang", "区市场监管局"),
    Department("shengtai", "区生态环境分局"),
    Department("shuiwu", "区水务局"),
    Department("minzheng", "区民政局"),
    Department("weijian", "区卫健局"),
    Department("jiaoti", "区教体局"),
    Department("gongan", "公安芝罘分局"),
    Department("renshe", "区人社局"),
    Department("caizheng", "区财政局"),
    Department("fagai", "区发改局"),
    Department("gongxin", "区工信局"),
    Department("shangwu", "区商务局"),
    Department("wenlv", "区文旅局"),
    Department("tuiyi", "区退役军人局"),
    Department("yingji", "区应急局"),
    Department("sifa", "区司法局"),
    Department("shenji", "区审计局"),
    Department("tongji", "区统计局"),
    Department("yibao", "区医保局"),
    Department("shenpi", "区行政审批服务局"),
    Department("xinfang", "区信访局"),
    Department("zhifa", "区综合行政执法局"),
    Department("jiaotong", "区交通运输局"),
    Department("nongye", "区农业农村局"),
    Department("haiyang", "区海洋发展和渔业局"),
    Department("ziran", "自然资源和规划芝罘分局"),
    Department("keji", "区科技局"),
    Department("guozi", "区国有资产服务中心"),
    Department("jiguan", "区机关事务服务中心"),
    Department("dashuju", "区大数据中心"),
    Department("touzi", "区投资促进中心"),
    Department("zhengshou", "区房屋征收服务中心"),
    Department("wuye", "区物业管理服务中心"),
    Department("gongre", "区供热管理办公室"),
    Department("yuanlin", "区园林绿化服务中心"),
    Department("huanwei", "区环境卫生服务中心"),
    Department("shizheng", "区市政设施维护中心"),
    Department("canlian", "区残联"),
    Department("fulian", "区妇联"),
    Department("tuanwei", "团区委"),
    Department("zonggonghui", "区总工会"),
    Department("hongshizi", "区红十字会"),
    Department("kexie", "区科协"),
    Department("gongshanglian", "区工商联"),
    Department("danganguan", "区档案馆"),
    Department("rongmeiti", "区融媒体中心"),
    Department("jikong", "区疾控中心"),
    Department("shebao", "区社会保险事业中心"),
    Department("jiuye", "区公共就业和人才服务中心"),
    Department("shuiwuju", "区税务局"),
    Department("xiaofang", "芝罘消防救援大队"),
    Department("jiaojing", "交警芝罘大队"),
    Department("gongdian", "国网芝罘供电中心"),
    Department("gongshui", "区供水服务中心"),
    Department("ranqi", "区燃气服务中心"),
    Department("fayuan", "区人民法院"),
    Department("jianchayuan", "区人民检察院"),
    Department("zhengfawei", "区委政法委"),
    Department("xuanchuan", "区委宣传部"),
    Department("tongzhan", "区委统战部"),
    Department("shegong", "区委社会工作部"),
    Department("gengxin", "区城市更新服务中心"),
)


class UnitTemplate(NamedTuple):
    kind: str  # orgs.UnitKind value
    pattern: str  # "{stem}" is replaced by a word stem, "{n}" by a number
    leader_post: str
    staff: tuple[int, int]
    industry: str  # key of the industry committee its party organisation belongs to ("" = community)


# Resident units (驻区单位) and other units placed in communities, by kind.
RESIDENT_UNITS: tuple[UnitTemplate, ...] = (
    UnitTemplate("resident_unit", "芝罘区{stem}小学", "校长", (40, 120), "education"),
    UnitTemplate("resident_unit", "烟台市第{n}中学", "校长", (80, 260), "education"),
    UnitTemplate("resident_unit", "芝罘区{stem}幼儿园", "园长", (15, 50), "education"),
    UnitTemplate("resident_unit", "{stem}社区卫生服务中心", "主任", (20, 80), "health"),
    UnitTemplate("resident_unit", "烟台市{stem}医院", "院长", (150, 900), "health"),
    UnitTemplate("resident_unit", "烟台{stem}集团有限公司", "党委书记", (200, 2000), ""),
    UnitTemplate("resident_unit", "中国工商银行烟台{stem}支行", "行长", (20, 60), ""),
    UnitTemplate("resident_unit", "中国建设银行烟台{stem}支行", "行长", (20, 60), ""),
    UnitTemplate("resident_unit", "中国移动烟台{stem}营业厅", "经理", (10, 30), ""),
    UnitTemplate("resident_unit", "烟台港{stem}分公司", "总经理", (100, 600), ""),
    UnitTemplate("resident_unit", "烟台市{stem}派出所", "所长", (30, 80), ""),
    UnitTemplate("resident_unit", "{stem}消防救援站", "站长", (20, 40), ""),
    UnitTemplate("resident_unit", "烟台{stem}供热有限公司", "总经理", (50, 300), ""),
    UnitTemplate("resident_unit", "山东{stem}建工集团", "董事长", (300, 1500), ""),
)
TWO_NEW_UNITS: tuple[UnitTemplate, ...] = (
    UnitTemplate("social_organisation", "芝罘区{stem}志愿服务协会", "会长", (5, 30), "social"),
    UnitTemplate("social_organisation", "芝罘区{stem}社会工作服务中心", "主任", (5, 25), "social"),
    UnitTemplate("social_organisation", "{stem}养老服务中心", "主任", (10, 40), "social"),
    UnitTemplate("social_organisation", "芝罘区{stem}律师事务所", "主任", (8, 40), "law"),
)
PROPERTY_UNIT = UnitTemplate(
    "property_company", "烟台{stem}物业管理有限公司", "总经理", (30, 300), "property"
)
COMMERCIAL_UNIT = UnitTemplate("commercial_building", "{stem}大厦", "楼宇党建指导员", (200, 3000), "")
ENTERPRISE_POSTS = ("总经理", "董事长", "党支部书记")

# Industry party committees under the district committee (行业党委), by key.
INDUSTRY_COMMITTEES: tuple[tuple[str, str], ...] = (
    ("education", "中共芝罘区教育行业委员会"),
    ("health", "中共芝罘区卫生健康行业委员会"),
    ("property", "中共芝罘区物业行业委员会"),
    ("law", "中共芝罘区律师行业委员会"),
    ("social", "中共芝罘区社会组织综合委员会"),
    ("enterprise", "中共芝罘区非公有制经济组织综合委员会"),
    ("finance", "中共芝罘区金融行业委员会"),
    ("logistics", "中共芝罘区交通物流行业委员会"),
)
