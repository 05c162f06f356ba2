"""The demo data: the facts in the two press articles the project started from.

Every fact here comes from those articles (as listed in the project's seed notes): names,
years, counts, figures. Every summary and description is written in the project's own
words. What the articles do not say is left empty rather than guessed: the 2018 to 2020
editions' counts, most publication dates, Pinduoduo's operator, the articles' outlets and
dates. Each entry is keyed on its slug, so loading twice changes nothing.
"""

import datetime
from decimal import Decimal

REPORTS = [
    {
        "year": 2018,
        "published_on": datetime.date(2019, 4, 1),
        "published_on_precision": "month",
        "summary": (
            "The edition that first named Pinduoduo. Only its Pinduoduo listing is entered "
            "here so far; its stated counts are not yet recorded."
        ),
    },
    {
        "year": 2019,
        "summary": "Pinduoduo stayed on this edition. Other listings are not yet entered.",
    },
    {
        "year": 2020,
        "summary": (
            "Pinduoduo, Taobao and Baidu Wangpan were all on this edition. Other listings "
            "are not yet entered."
        ),
    },
    {
        "year": 2021,
        "published_on": datetime.date(2022, 2, 1),
        "published_on_precision": "month",
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
        "kind": "online",
        "category": "ecommerce",
        "country": "CN",
        "operator": "alibaba-group",
        "description": (
            "Alibaba's domestic shopping platform in China, a long-standing entry on the "
            "list. Only its 2020 and 2021 listings are entered so far."
        ),
    },
    {
        "slug": "pinduoduo",
        "name": "Pinduoduo",
        "kind": "online",
        "category": "ecommerce",
        "country": "CN",
        "description": (
            "One of China's largest online retailers. First named in the 2018 review "
            "(published in April 2019) and on every edition since, through 2021. Its "
            "operating company is not yet recorded."
        ),
    },
    {
        "slug": "baidu-wangpan",
        "name": "Baidu Wangpan",
        "kind": "online",
        "category": "cloud_storage",
        "country": "CN",
        "operator": "baidu",
        "description": (
            "Baidu's cloud-storage service, a long-standing entry on the list. Only its "
            "2020 and 2021 listings are entered so far."
        ),
    },
]

LISTINGS = [
    ("pinduoduo", 2018, ""),
    ("pinduoduo", 2019, ""),
    ("pinduoduo", 2020, ""),
    ("taobao", 2020, ""),
    ("baidu-wangpan", 2020, ""),
    (
        "aliexpress",
        2021,
        "Named for the first time, as a major China-based online market that reportedly "
        "helps counterfeiters trade at scale; USTR points to continuing gaps in how sellers "
        "are vetted and how repeat offenders are caught.",
    ),
    (
        "wechat",
        2021,
        "Named for the first time. USTR describes an e-commerce ecosystem inside the app: "
        "sellers promote fakes in short videos on its channels and buyers pay through its "
        "shopping cart, and it judges Tencent's response inadequate.",
    ),
    ("taobao", 2021, "Kept its place on the list from the previous edition."),
    ("pinduoduo", 2021, "On the list for a fourth edition running."),
    ("baidu-wangpan", 2021, "Kept its place on the list from the previous edition."),
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

FIGURES = [
    {
        "slug": "us-cost-of-global-counterfeiting",
        "value": Decimal("29.2"),
        "unit": "billion US$ a year",
        "measures": "Estimated yearly cost of global counterfeiting to the US economy",
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
        "source_report": 2021,
        "source_article": "2021-review-names-aliexpress-and-wechat-citing-da-ji-yuan",
    },
    {
        "slug": "2021-physical-markets-in-china",
        "value": Decimal("9"),
        "unit": "markets",
        "measures": "Physical marketplaces in China named in the review",
        "year": 2021,
        "source_report": 2021,
        "source_article": "2021-review-names-aliexpress-and-wechat-citing-da-ji-yuan",
    },
]
