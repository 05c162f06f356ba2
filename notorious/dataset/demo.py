"""The demo data: the facts in the project's seed notes (the two press articles the project
started from, and the public-record facts noted beside them).

Names, years, counts and figures come from those notes; every summary and description is
written in the project's own words. What the notes do not say is left empty rather than
guessed: the 2018 to 2020 editions' counts and titles, the 2019 and 2021 publication dates,
Pinduoduo's operator, the articles' outlets and dates. Only a few listings of each edition
are entered, so no section is marked complete and the site says what is missing.

`load_demo` keys each entry on its slug (editions on their year, listings on market and
year) and only creates what was never in the database: see its docstring.
"""

import datetime
from decimal import Decimal

REPORTS = [
    {
        "year": 2018,
        "published_on": datetime.date(2019, 4, 1),
        "published_on_precision": "month",
        "summary": (
            "The last of USTR's reviews published as the Out-of-Cycle Review of Notorious "
            "Markets, and the first to name Pinduoduo. Taobao was on it too, as on every "
            "review since 2016."
        ),
    },
    {
        "year": 2019,
        "summary": (
            "The first of USTR's reviews published as the Review of Notorious Markets for "
            "Counterfeiting and Piracy. Pinduoduo and Taobao stayed on it."
        ),
    },
    {
        "year": 2020,
        "published_on": datetime.date(2021, 1, 1),
        "published_on_precision": "month",
        "summary": (
            "The edition that first named Baidu Wangpan, Baidu's cloud-storage service. "
            "Pinduoduo and Taobao stayed on it."
        ),
    },
    {
        "year": 2021,
        "title": "2021 Review of Notorious Markets for Counterfeiting and Piracy",
        "online_count_stated": 42,
        "physical_count_stated": 35,
        "summary": (
            "USTR counted 42 online and 35 physical markets in this edition. For the first "
            "time it named AliExpress and WeChat, two large China-based platforms, saying "
            "they help counterfeiters on a large scale. Several Chinese platforms from earlier "
            "editions remained, and nine of the physical markets were in China. Ambassador "
            "Katherine Tai tied the trade in fakes to harm to workers and consumers."
        ),
    },
]

COMPANIES = [
    {
        "slug": "alibaba-group",
        "name": "Alibaba Group",
        "aliases": "Alibaba",
        "country": "CN",
        "description": (
            "Chinese technology group behind AliExpress and Taobao. USTR credits it with "
            "some of the strongest anti-counterfeiting systems in online retail, while "
            "still finding fakes widespread on its platforms."
        ),
    },
    {
        "slug": "tencent",
        "name": "Tencent",
        "country": "CN",
        "description": "Chinese technology group that runs the WeChat messaging platform.",
    },
    {
        "slug": "baidu",
        "name": "Baidu",
        "aliases": "Baidu Inc.",
        "country": "CN",
        "description": "Chinese technology company whose cloud-storage service is Baidu Wangpan.",
    },
]

MARKETS = [
    {
        "slug": "aliexpress",
        "name": "AliExpress",
        "aliases": "速卖通\n全球速卖通",
        "kind": "online",
        "category": "ecommerce",
        "country": "CN",
        "operator": "alibaba-group",
        "description": (
            "Alibaba's global shopping platform, which links buyers worldwide to sellers "
            "in China. First named in the 2021 review."
        ),
    },
    {
        "slug": "wechat",
        "name": "WeChat",
        "aliases": "Weixin\n微信",
        "kind": "online",
        "category": "social_commerce",
        "country": "CN",
        "operator": "tencent",
        "description": (
            "Tencent's messaging app, with more than 1.2 billion active users by 2021. "
            "First named in the 2021 review, for the way its short-video channels and "
            "in-app shopping cart let sellers reach buyers with counterfeit goods."
        ),
    },
    {
        "slug": "taobao",
        "name": "Taobao",
        "aliases": "淘宝",
        "kind": "online",
        "category": "ecommerce",
        "country": "CN",
        "operator": "alibaba-group",
        "description": (
            "Alibaba's e-commerce platform, one of the largest in the world. USTR named it "
            "on its lists from 2009 to 2011, and again on every review from 2016 on. Its "
            "listings before the 2018 review are not entered here yet."
        ),
    },
    {
        "slug": "pinduoduo",
        "name": "Pinduoduo",
        "aliases": "拼多多",
        "kind": "online",
        "category": "ecommerce",
        "country": "CN",
        "description": (
            "One of China's largest online retailers. First named in the 2018 review "
            "(published in April 2019), and named again in every review since, through 2021."
        ),
    },
    {
        "slug": "baidu-wangpan",
        "name": "Baidu Wangpan",
        "aliases": "百度网盘",
        "kind": "online",
        "category": "cloud_storage",
        "country": "CN",
        "operator": "baidu",
        "description": (
            "Baidu's cloud-storage service. First named in the 2020 review (published in "
            "January 2021), and kept on the list in 2021."
        ),
    },
]

# (market, edition, reasons, whether a source says it is the market's first listing). The
# sources say so for Pinduoduo in 2018, Baidu Wangpan in 2020, AliExpress and WeChat in 2021.
LISTINGS = [
    ("taobao", 2018, "", False),
    ("pinduoduo", 2018, "", True),
    ("taobao", 2019, "", False),
    ("pinduoduo", 2019, "", False),
    ("taobao", 2020, "", False),
    ("pinduoduo", 2020, "", False),
    ("baidu-wangpan", 2020, "", True),
    (
        "aliexpress",
        2021,
        "Named for the first time, as a major China-based online market that reportedly "
        "helps counterfeiters trade at scale; USTR points to continuing gaps in how sellers "
        "are vetted and how repeat offenders are caught.",
        True,
    ),
    (
        "wechat",
        2021,
        "Named for the first time. USTR describes an e-commerce ecosystem inside the app: "
        "sellers promote fakes in short videos on its channels and buyers pay through its "
        "shopping cart, and it judges Tencent's response inadequate.",
        True,
    ),
    ("taobao", 2021, "Kept its place on the list from the previous edition.", False),
    ("pinduoduo", 2021, "On the list for a fourth edition running.", False),
    ("baidu-wangpan", 2021, "Kept its place on the list from the previous edition.", False),
]

OUTLETS = [
    {
        "slug": "tsf",
        "name": "TSF",
        "aliases": "TSF Rádio Notícias",
        "country": "PT",
        "language": "pt",
        "description": "Portuguese news radio station.",
    },
    {
        "slug": "da-ji-yuan",
        "name": "Da Ji Yuan",
        "aliases": "大紀元\nThe Epoch Times (Chinese edition)",
        "language": "zh-hant",
        "description": "The Chinese-language edition of The Epoch Times.",
    },
]

ARTICLES = [
    {
        "slug": "us-accuses-owners-of-aliexpress-and-wechat",
        "headline": (
            "The US accuses the owners of the Chinese platforms AliExpress and WeChat of "
            "enabling hacking"
        ),
        "republishes": "tsf",
        "language": "en",
        "summary": (
            "An English-language page republishing a TSF report on the 2021 review. It "
            "explains how USTR says WeChat's video channels and shopping cart carry fakes "
            "to buyers, notes that USTR found Tencent's efforts inadequate, and adds that "
            "goods from China made up three quarters of the value of what CBP seized as "
            "counterfeit in 2021. The site has not recorded which outlet published the page."
        ),
        "markets": ["aliexpress", "wechat", "taobao"],
        "companies": ["alibaba-group", "tencent"],
        "reports": [2021],
    },
    {
        "slug": "2021-review-names-aliexpress-and-wechat-citing-da-ji-yuan",
        "headline": "Untitled English report on the 2021 review, citing Da Ji Yuan",
        "cited_outlets": ["da-ji-yuan"],
        "language": "en",
        "summary": (
            "An English-language article on the 2021 review; its headline is not recorded, "
            "so the title here is the editors' description. It covers the first listing of "
            "AliExpress and WeChat, the Chinese platforms that stayed on the list (Taobao, "
            "Baidu Wangpan, Pinduoduo), the nine physical markets in China, USTR's figures "
            "on counterfeiting's cost and on seizures at the US border, and Ambassador "
            "Katherine Tai's remarks on workers. For conditions in China's physical markets "
            "it relies on Da Ji Yuan, which reported that sellers answered raids by keeping "
            "less stock on site and selling more online."
        ),
        "markets": ["aliexpress", "wechat", "taobao", "baidu-wangpan", "pinduoduo"],
        "companies": ["alibaba-group", "tencent", "baidu"],
        "reports": [2021],
    },
]

# What each figure is about decides where it is shown (`Figure.about`): none of these is
# about one market, so they appear on the pages of the edition and articles that give them.
FIGURES = [
    {
        "slug": "us-cost-of-global-counterfeiting",
        "value": Decimal("29.2"),
        "unit": "billion US$ a year",
        "measures": "Estimated yearly cost of global counterfeiting to the US economy",
        "about": "economy",
        "countries": ["US"],
        "source_report": 2021,
        "source_article": "2021-review-names-aliexpress-and-wechat-citing-da-ji-yuan",
    },
    {
        "slug": "cbp-2021-seizures-value-from-china",
        "value": Decimal("75"),
        "unit": "%",
        "measures": (
            "Share of the value of counterfeit and pirated goods seized by US Customs and "
            "Border Protection that came from China"
        ),
        "year": 2021,
        "about": "country",
        "countries": ["CN"],
        "source_article": "us-accuses-owners-of-aliexpress-and-wechat",
    },
    {
        "slug": "cbp-2020-seizures-volume-china-hong-kong",
        "value": Decimal("79"),
        "unit": "%",
        "measures": (
            "Share by volume of counterfeit goods seized at the US border that came from "
            "China or were shipped through Hong Kong"
        ),
        "year": 2020,
        "about": "country",
        "countries": ["CN", "HK"],
        "source_report": 2021,
        "source_article": "2021-review-names-aliexpress-and-wechat-citing-da-ji-yuan",
    },
    {
        "slug": "cbp-2020-seizures-value-china-hong-kong",
        "value": Decimal("83"),
        "unit": "%",
        "measures": (
            "Share by value of counterfeit goods seized at the US border that came from "
            "China or were shipped through Hong Kong"
        ),
        "year": 2020,
        "about": "country",
        "countries": ["CN", "HK"],
        "source_report": 2021,
        "source_article": "2021-review-names-aliexpress-and-wechat-citing-da-ji-yuan",
    },
    {
        "slug": "2021-physical-markets-in-china",
        "value": Decimal("9"),
        "unit": "markets",
        "measures": "Physical marketplaces in China named in the review",
        "year": 2021,
        "about": "edition",
        "source_report": 2021,
        "source_article": "2021-review-names-aliexpress-and-wechat-citing-da-ji-yuan",
    },
]
