"""Demo help centre for `make run`: categories, articles in English and Simplified Chinese, macros.

Idempotent: everything is looked up by slug or title and only created when missing.
Called from devdata.demo.seed_demo.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from knowledge import services
from knowledge.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    ArticleTranslation,
    HelpCategory,
    Macro,
    MacroVariant,
)
from tickets.models import Status, Tag

CATEGORIES = [
    # slug, name, zh-hans name, position
    ("getting-started", "Getting started", "入门指南", 1),
    ("security", "Account & security", "账户与安全", 2),
    ("transactions", "Transfers & fees", "转账与手续费", 3),
    ("news", "Announcements", "公告", 4),
]

ARTICLES = [
    {
        # The portal footer's "Privacy notice" (PRIVACY_NOTICE_URL points at /portal/help/a/privacy-notice/).
        "slug": "privacy-notice",
        "kind": ArticleKind.GUIDE,
        "category": "getting-started",
        "tags": ["privacy"],
        "en": (
            "Privacy notice",
            "What the support desk keeps about you, why, for how long, and your rights.",
            "## What we keep\n\n"
            "- Your name, email addresses, phone number and preferred language, to answer you.\n"
            "- Your requests, messages and attachments, and wallet addresses or transactions you tell us about.\n"
            "- Survey answers, to improve the service.\n\n"
            "Phone numbers, wallet addresses, chat handles, internal security notes and every attachment are "
            "**encrypted** in our database and file storage.\n\n"
            "## How long\n\n"
            "Closed requests are anonymised after 3 years, chat transcripts after 1 year and attachments after "
            "2 years; we keep counts and ratings without your identity. A legal hold can stop this while a case "
            "or a legal duty needs the data.\n\n"
            "## Your choices and rights\n\n"
            "- On *Privacy and your data* you choose whether we may send you product announcements and "
            "satisfaction surveys, by email or SMS, and you can change your mind at any time.\n"
            "- You can download a copy of your data there.\n"
            "- To have your data erased, contact us: after we verify your identity, a supervisor erases it "
            "and you receive a confirmation.\n\n"
            "> We will never ask for your password, private key or recovery phrase.",
        ),
        "zh-hans": (
            "隐私声明",
            "客服系统保存您的哪些信息、原因、保存期限以及您的权利。",
            "## 我们保存的信息\n\n"
            "- 您的姓名、电子邮箱、电话号码和首选语言，用于答复您。\n"
            "- 您的工单、消息和附件，以及您告诉我们的钱包地址或交易。\n"
            "- 问卷回答，用于改进服务。\n\n"
            "电话号码、钱包地址、聊天账号、内部安全备注和所有附件在我们的数据库和文件存储中均已**加密**。\n\n"
            "## 保存多久\n\n"
            "已关闭的工单在 3 年后匿名化，聊天记录在 1 年后、附件在 2 年后匿名化；我们只保留不含身份的统计和评分。"
            "当案件或法定义务需要时，法律保留可暂停上述处理。\n\n"
            "## 您的选择和权利\n\n"
            "- 在“隐私与您的数据”页面，您可以选择是否允许我们通过电子邮件或短信向您发送产品公告和满意度问卷，"
            "并可随时更改。\n"
            "- 您可以在该页面下载您的数据副本。\n"
            "- 如需删除您的数据，请联系我们：核实身份后，主管将删除您的数据并向您发送确认。\n\n"
            "> 我们绝不会索要您的密码、私钥或助记词。",
        ),
    },
    {
        "slug": "back-up-recovery-phrase",
        "kind": ArticleKind.GUIDE,
        "category": "security",
        "tags": ["backup", "recovery-phrase"],
        "en": (
            "How to back up your recovery phrase",
            "Write the 12 or 24 words on paper and keep them offline.",
            "Your **recovery phrase** (mnemonic) is the only way to restore your wallet.\n\n"
            "1. Open *Settings → Security → Back up wallet*.\n2. Write the words on paper, in order.\n"
            "3. Store the paper somewhere safe and offline. Never take a screenshot.\n\n"
            "> Official support will **never** ask for your recovery phrase or private key.",
        ),
        "zh-hans": (
            "如何备份助记词",
            "把 12 或 24 个单词抄写在纸上并离线保存。",
            "**助记词**是恢复钱包的唯一方式。\n\n1. 打开 *设置 → 安全 → 备份钱包*。\n2. 按顺序把单词抄写在纸上。\n"
            "3. 将纸张离线妥善保管，切勿截图。\n\n> 官方客服**绝不会**索要您的助记词或私钥。",
        ),
    },
    {
        "slug": "support-never-asks-for-your-phrase",
        "kind": ArticleKind.SECURITY_ALERT,
        "category": "security",
        "tags": ["scam", "recovery-phrase"],
        "pinned_days": 30,
        "en": (
            "Security alert: support never asks for your recovery phrase",
            "Impersonators on Telegram and X pose as our support team.",
            'Scammers pretend to be official support and ask for your recovery phrase to "verify" your wallet.\n\n'
            "- We never ask for a recovery phrase, private key or password.\n"
            "- Check a contact on the *Verify an official contact* page.\n- Report the account to us.",
        ),
        "zh-hans": (
            "安全提醒：客服绝不会索要助记词",
            "有人在电报和 X 上冒充我们的客服。",
            "骗子冒充官方客服，以“验证钱包”为由索要您的助记词。\n\n- 我们绝不会索要助记词、私钥或密码。\n"
            "- 请在“验证官方联系方式”页面核实对方身份。\n- 请向我们举报该账号。",
        ),
    },
    {
        "slug": "transfer-pending",
        "kind": ArticleKind.FAQ,
        "category": "transactions",
        "tags": ["transfer"],
        "en": (
            "Why is my transfer still pending?",
            "Congested networks and low fees delay confirmation.",
            "A transfer stays **pending** until the network confirms it. Common reasons:\n\n"
            "- The network is congested.\n- The fee was too low.\n"
            "- The receiving exchange needs more confirmations.\n\n"
            "Look the transaction hash up on the block explorer. If it failed, the amount returns to your wallet "
            "minus the network fee.",
        ),
        "zh-hans": (
            "为什么我的转账一直未到账？",
            "网络拥堵或手续费过低都会延迟确认。",
            "转账在网络确认之前会一直显示**待确认**。常见原因：\n\n- 网络拥堵。\n- 手续费设置过低。\n"
            "- 接收方交易所需要更多确认数。\n\n请在区块浏览器中查询交易哈希。"
            "如果交易失败，金额会退回钱包（扣除网络手续费）。",
        ),
    },
    {
        "slug": "network-fees",
        "kind": ArticleKind.FAQ,
        "category": "transactions",
        "tags": ["fees"],
        "en": (
            "Why are network fees so high?",
            "Fees go to the network, not to us, and rise when it is busy.",
            "Network fees (gas) are paid to the blockchain's validators. When many people transact at once, "
            "fees rise. Send when the network is quieter, or choose a slower fee level.",
        ),
        "zh-hans": (
            "为什么网络手续费这么高？",
            "手续费支付给网络而非我们，网络繁忙时会上涨。",
            "网络手续费（Gas）支付给区块链的验证者。同时交易的人越多，手续费越高。可以在网络空闲时转账，或选择较慢的手续费档位。",
        ),
    },
    {
        "slug": "move-wallet-to-new-phone",
        "kind": ArticleKind.VIDEO,
        "category": "getting-started",
        "tags": ["backup"],
        "video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "en": (
            "Video: move your wallet to a new phone",
            "Import your wallet on a new phone with your recovery phrase.",
            "Install the app on the new phone, choose **Import wallet** and enter your recovery phrase.",
            "Hi! In this video we move a wallet to a new phone. First, install the app from the official store. "
            "Then tap Import wallet and type your recovery phrase, word by word.",
        ),
        "zh-hans": (
            "视频：把钱包迁移到新手机",
            "在新手机上用助记词导入钱包。",
            "在新手机上安装应用，选择**导入钱包**，然后输入您的助记词。",
            "大家好！本视频演示如何把钱包迁移到新手机。首先从官方应用商店安装应用，然后点击导入钱包，逐个输入助记词。",
        ),
    },
    {
        "slug": "release-2-15",
        "kind": ArticleKind.ANNOUNCEMENT,
        "category": "news",
        "tags": [],
        "pinned_days": 14,
        "en": (
            "Version 2.15: dark mode and faster transfers",
            "Dark mode, faster Tron transfers and a new fee preview.",
            "What's new in 2.15:\n\n- Dark mode\n- Faster USDT transfers on Tron\n- Fee preview before you confirm",
        ),
        "zh-hans": (
            "2.15 版本：深色模式和更快的转账",
            "深色模式、更快的波场转账以及新的手续费预览。",
            "2.15 版本更新：\n\n- 深色模式\n- 波场 USDT 转账更快\n- 确认前预览手续费",
        ),
    },
    {
        "slug": "connect-to-a-dapp",
        "kind": ArticleKind.GUIDE,
        "category": "getting-started",
        "tags": ["dapp"],
        "en": (
            "Connecting to a DApp",
            "Use the built-in DApp browser and check every signature request.",
            "Open the **DApp browser**, enter the site's address and tap *Connect*. Read each signature request: "
            "never approve unlimited token allowances for sites you do not trust.",
        ),
    },
]

MACROS = [
    {
        "title": "Transfer pending: ask for the transaction hash",
        "set_status": Status.PENDING_CUSTOMER,
        "tags": ["transfer"],
        "en": "Hello {{ customer.name }},\n\nthanks for contacting us about {{ ticket.reference }}. Could you send us "
        "the transaction hash so we can check it on the explorer?\n\nBest regards,\n{{ agent.first_name }}",
        "zh-hans": "{{ customer.name }} 您好：\n\n感谢您就 {{ ticket.reference }} 联系我们。请提供交易哈希，"
        "以便我们在区块浏览器中查询。\n\n{{ agent.first_name }}",
    },
    {
        "title": "Security: we never ask for your recovery phrase",
        "set_status": "",
        "tags": ["scam"],
        "en": "Hello {{ customer.name }},\n\nofficial support never asks for your recovery phrase, private key or "
        "password. Please do not share them with anyone.\n\n{{ agent.first_name }}",
        "zh-hans": "{{ customer.name }} 您好：\n\n官方客服绝不会索要您的助记词、私钥或密码，请勿向任何人透露。\n\n"
        "{{ agent.first_name }}",
    },
    {
        "title": "Solved: closing note",
        "set_status": Status.SOLVED,
        "tags": [],
        "en": "Hello {{ customer.name }},\n\nwe are glad this is sorted. If anything else comes up, just reply to "
        "this message.\n\n{{ agent.first_name }}",
    },
]


def seed_knowledge(*, author, reviewer) -> None:
    categories = {}
    for slug, name, chinese, position in CATEGORIES:
        category = HelpCategory.objects.filter(slug=slug).first() or services.help_category_save(
            category=HelpCategory(slug=slug, name=name, translations={"zh-hans": chinese}, position=position),
            actor=author,
        )
        categories[slug] = category
    for spec in ARTICLES:
        if not Article.objects.filter(slug=spec["slug"]).exists():
            _article(spec, categories, author, reviewer)
    for spec in MACROS:
        if not Macro.objects.filter(title=spec["title"]).exists():
            _macro(spec, author)


def _tags(names: list[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name)[0] for name in names]


def _article(spec: dict, categories: dict, author, reviewer) -> None:
    pinned_days = spec.get("pinned_days")
    article = services.article_save(
        article=Article(
            slug=spec["slug"],
            kind=spec["kind"],
            category=categories[spec["category"]],
            video_url=spec.get("video_url", ""),
            pinned_until=timezone.now() + timedelta(days=pinned_days) if pinned_days else None,
        ),
        actor=author,
        tags=_tags(spec["tags"]),
    )
    for language in ("en", "zh-hans"):
        if language not in spec:
            continue
        title, summary, body, *transcript = spec[language]
        services.article_translation_save(
            translation=ArticleTranslation(
                article=article,
                language=language,
                title=title,
                summary=summary,
                body=body,
                transcript=transcript[0] if transcript else "",
            ),
            actor=author,
        )
    services.article_change_status(article=article, status=ArticleStatus.IN_REVIEW, actor=author)
    services.article_change_status(article=article, status=ArticleStatus.PUBLISHED, actor=reviewer)


def _macro(spec: dict, author) -> None:
    macro = services.macro_save(
        macro=Macro(title=spec["title"], set_status=spec["set_status"]), actor=author, tags=_tags(spec["tags"])
    )
    for language in ("en", "zh-hans"):
        if language in spec:
            services.macro_variant_save(
                variant=MacroVariant(macro=macro, language=language, body=spec[language]), actor=author
            )
