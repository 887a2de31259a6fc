"""Texts for measuring the secret detector: generated phrases and keys written the way customers
write them, look-alikes that must never be taken for a secret, and a long mixed message.

Phrases come from the official wordlists through `mnemonic` (valid checksums, random entropy from
the caller's seeded generator); key pairs are real Ed25519 pairs. Used by `manage.py detector_bench`
(figures) and by the detector's tests (tests/tickets/safety/detect/), so both judge the same set.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import base58
from Crypto.PublicKey import ECC
from mnemonic import Mnemonic

from tickets.safety.detect.wordlists import LANGUAGES

STRENGTHS = {12: 16, 15: 20, 18: 24, 21: 28, 24: 32}  # words → bytes of entropy

# Ordinary support messages in Chinese: all of them are made mostly of wordlist characters.
ORDINARY_ZH = [
    "你好，我的钱包转账一直没有到账，请问怎么办？",
    "我昨天在交易所提币到这个地址，已经过了十二个小时了",
    "客服你好，我想问一下为什么我的账户余额显示为零",
    "我的助记词丢了，请问怎么才能找回钱包里的资产",
    "请问助记词丢了怎么办",
    "我的助记词是不是被别人知道了所以我的钱都没了",
    "助记词是什么意思，我在网上看到有人说助记词很重要",
    "一个自称官方客服的人在电报上联系我，要我提供助记词。这是真的吗？",
    "我在应用商店下载的新版本打不开，一直闪退",
    "手机是华为的，系统已经更新到最新版本了",
    "我想修改支付密码但是收不到验证码",
    "为什么手续费这么高，能不能退还一部分给我",
    "区块浏览器上显示交易成功了，但是钱包里没有",
    "我转错了地址，请问还能找回来吗",
    "请帮我查一下这笔交易的状态，谢谢",
    "你们的官方电话是多少，我想找人工客服",
    "我的账号被盗了，里面的币都被转走了",
    "我不小心把私钥发给了别人，现在该怎么办",
    "请问怎么备份钱包，我怕手机丢了以后找不回来",
    "授权了一个不认识的合约，现在担心资产安全",
    "我想把钱包导入到新手机上，需要做什么",
    "我已经按照你们说的步骤操作了，但是还是不行",
    "今天早上开始就一直显示网络错误",
    "兑换的时候价格和显示的不一样，差了很多",
    "这个代币为什么在我的钱包里看不到",
    "请问你们支持哪些公链，有没有波场",
    "我收到一条短信说我的钱包要升级，是你们发的吗",
    "我想注销账户，应该怎么操作",
    "上次的问题还没有解决，请尽快回复我",
    "感谢你们的帮助，问题已经解决了",
    "我在电脑上打开网页版的时候提示证书错误",
    "充值了三次都失败了，钱也扣了",
    "我是新用户，不太会用，能不能教我一下",
    "为什么我的交易一直在等待确认",
    "转账的时候忘记填写备注了，交易所说要备注",
    "请问这个地址是不是你们官方的地址",
    "有人冒充你们的客服要我转账，我已经转了一部分",
    "我的指纹解锁突然不能用了",
    "能量和带宽不够，转账失败了",
    "我想了解一下你们的安全措施",
    "你好\n我的钱包\n转不了账",
    "请问多久能处理完\n我很着急",
    "好的谢谢",
    "我已经把截图发给你们了，请查收",
    "為什麼我的轉賬一直沒有到賬，請問怎麼辦？",
    "我的助記詞不見了，請問還能找回錢包嗎",
    "有人自稱是官方客服，要我提供助記詞",
    "請幫我查一下這筆交易的狀態，謝謝",
    "我想修改支付密碼但是收不到驗證碼",
    "手續費太高了，能不能退還一部分給我",
    "我們公司想和你們合作，請問找誰聯繫",
    "我在地址簿裡添加的地址不見了",
    "他说只要我把助记词告诉他就能帮我解冻资产，我没有给他",
    "助记词如下所示的那个页面我没有截图，现在打不开了",
]

ORDINARY_EN = [
    "I have a question about my wallet and the balance is wrong today.",
    "Please help me, I sent 0.5 ETH to the wrong address yesterday and it never arrived.",
    "We will never ask for your recovery phrase or private key.",
    "The app crashes when I open the swap page on my phone after the last update.",
]

PROSE = {
    "zh": ("你好，我的钱包里的币不见了。{label}{phrase}。请尽快帮我处理，谢谢！", "助记词："),
    "ja": ("こんにちは。ウォレットの残高が消えました。{label}{phrase}。助けてください。", "ニーモニック："),
    "ko": ("안녕하세요. 지갑 잔액이 사라졌습니다. {label}{phrase} 도와주세요.", "니모닉: "),
    "latin": ("Hello, my funds are gone since this morning. {label}{phrase}. Please help!", "My recovery phrase is: "),
}

# How a word list is written out: the separators of the issue, numbering included.
SEPARATED = {
    "space": " ".join,
    "double space": "  ".join,
    "full-width space": "\u3000".join,
    "comma": ", ".join,
    "full-width comma": "，".join,
    "ideographic comma": "、".join,
    "full-width semicolon": "；".join,
    "newline": "\n".join,
    "numbered 1.": lambda words: "\n".join(f"{i}. {word}" for i, word in enumerate(words, 1)),
    "numbered 1、": lambda words: "\n".join(f"{i}、{word}" for i, word in enumerate(words, 1)),
    "numbered (1)": lambda words: " ".join(f"({i}){word}" for i, word in enumerate(words, 1)),
    "numbered full-width": lambda words: "\n".join(f"{i}．{w}".translate(_FULL_WIDTH) for i, w in enumerate(words, 1)),
}
# Chinese only: no separator at all, or groups of characters.
UNSEPARATED = {
    "none": "".join,
    "groups of four": lambda words: " ".join("".join(words[i : i + 4]) for i in range(0, len(words), 4)),
    "lines of three": lambda words: "\n".join("".join(words[i : i + 3]) for i in range(0, len(words), 3)),
}
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Sample:
    name: str
    text: str
    secret: str  # exactly as it appears in `text`


def phrase_words(language: str, words: int, rng: random.Random) -> list[str]:
    phrase = Mnemonic(language).to_mnemonic(rng.randbytes(STRENGTHS[words]))
    return phrase.split("\u3000") if language == "japanese" else phrase.split(" ")


def _prose(language: str) -> tuple[str, str]:
    if language.startswith("chinese"):
        return PROSE["zh"]
    return PROSE.get({"japanese": "ja", "korean": "ko"}.get(language, "latin"))


def phrase_samples(rng: random.Random, lengths=tuple(STRENGTHS)) -> list[Sample]:
    """Every language × length × separator (Chinese also unspaced), inside prose after a label."""
    samples = []
    for language in LANGUAGES:
        layouts = dict(SEPARATED)
        if language.startswith("chinese"):
            layouts.update(UNSEPARATED)
        template, label = _prose(language)
        for length in lengths:
            for layout, join in layouts.items():
                secret = join(phrase_words(language, length, rng))
                text = template.format(label=label, phrase=secret)
                samples.append(Sample(f"{language} {length} {layout}", text, secret))
    return samples


def solana_keypair(rng: random.Random) -> bytes:
    seed = rng.randbytes(32)
    return seed + ECC.construct(curve="Ed25519", seed=seed).public_key().export_key(format="raw")


def key_samples(rng: random.Random) -> list[Sample]:
    hex_key = rng.randbytes(32).hex()
    pair = solana_keypair(rng)
    wif = base58.b58encode_check(b"\x80" + rng.randbytes(32) + b"\x01").decode()
    cases = [
        ("hex key", "my private key is {} please help", hex_key),
        ("0x hex key", "私钥：{}，谢谢", f"0x{hex_key}"),
        ("hex key over two lines", "private key:\n{}\nthanks", f"{hex_key[:32]}\n{hex_key[32:]}"),
        ("hex key in groups", "密钥 {}", " ".join(hex_key[i : i + 16] for i in range(0, 64, 16))),
        ("WIF", "import this: {}", wif),
        ("Solana base58 pair", "Phantom export {} ok?", base58.b58encode(pair).decode()),
        ("Solana id.json", "my id.json is {}", json.dumps(list(pair))),
        ("Solana 128 hex", "keypair {}", pair.hex()),
    ]
    return [Sample(name, template.format(secret), secret) for name, template, secret in cases]


def lookalikes(rng: random.Random) -> list[str]:
    """Texts with no secret in them: hashes, addresses, order numbers and ordinary messages."""
    tron = base58.b58encode_check(b"\x41" + rng.randbytes(20)).decode()
    btc = base58.b58encode_check(b"\x00" + rng.randbytes(20)).decode()
    p2sh = base58.b58encode_check(b"\x05" + rng.randbytes(20)).decode()
    solana_address = base58.b58encode(rng.randbytes(32)).decode()
    solana_signature = base58.b58encode(rng.randbytes(64)).decode()
    return [
        *ORDINARY_ZH,
        *ORDINARY_EN,
        f"tx hash: 0x{rng.randbytes(32).hex()}",
        f"交易哈希 {rng.randbytes(32).hex()}，一直没到账",
        f"txid {rng.randbytes(32).hex()} is stuck",
        f"https://etherscan.io/tx/0x{rng.randbytes(32).hex()}",
        f"https://solscan.io/tx/{solana_signature}",
        f"transaction signature {solana_signature}",
        f"my ETH address 0x{rng.randbytes(20).hex()} and the hash 0x{rng.randbytes(32).hex()}",
        f"BTC 地址 {btc} 和 {p2sh}",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        f"TRON 地址：{tron}，转了 100 USDT",
        f"Solana address {solana_address}",
        f"订单号 {rng.randrange(10**15, 10**16)}{rng.randrange(10**15, 10**16)}，请查一下",
        f"Order number {rng.randrange(10**15, 10**16)}, reference SD-000123",
        "550e8400-e29b-41d4-a716-446655440000",
        f"block {rng.randrange(10**7)} hash {rng.randbytes(32).hex()}",
    ]


def mixed_message(size_bytes: int, rng: random.Random) -> str:
    """Ordinary Chinese and English support text of about `size_bytes` UTF-8 bytes."""
    parts: list[str] = []
    size = 0
    while size < size_bytes:
        part = rng.choice(ORDINARY_ZH) if rng.random() < 0.6 else rng.choice(ORDINARY_EN)
        parts.append(part)
        size += len(part.encode()) + 1
    return "\n".join(parts)
