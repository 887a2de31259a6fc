"""Chain data validation (tickets.chains).

Published vectors used:
- EIP-55 (github.com/ethereum/EIPs, eip-55.md): the mixed-case, all-caps and all-lower examples.
- BIP173 / BIP350 (bitcoin/bips bip-0173.mediawiki, bip-0350.mediawiki): mainnet addresses from the
  "valid" and "invalid segwit addresses" test vectors (testnet and wrong-HRP entries are invalid for "bitcoin").
- Base58 P2PKH/P2SH: the well-known 1BvBMSEY… and 3J98t1Wp… examples of the Bitcoin wiki "Address" page.
"""

import pytest

from tickets.chains import (
    TransactionFields,
    eip55_checksum,
    is_valid_address,
    is_valid_tx_hash,
    transaction_field_errors,
)

EIP55_VALID = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
]
BITCOIN_VALID = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
]
BITCOIN_INVALID = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # invalid human-readable part
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 checksum on v1 (BIP350)
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 checksum on v16
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m checksum on v0
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # invalid witness version
    "bc1pw5dgrnzv",  # invalid program length
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # program too long
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # invalid program length for v0
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # more than 4 padding bits
    "bc1gmk9yu",  # empty data section
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",  # testnet
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",  # base58 checksum broken
]
TX = "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"


@pytest.mark.parametrize("address", EIP55_VALID)
@pytest.mark.parametrize("chain", ["ethereum", "bsc", "polygon", "arbitrum"])
def test_eip55_examples_are_valid_on_every_evm_chain(chain, address):
    assert is_valid_address(chain, address)


@pytest.mark.parametrize("address", EIP55_VALID[:4])
def test_eip55_checksum_reproduces_the_published_case_and_rejects_a_flipped_letter(address):
    assert eip55_checksum(address.lower()) == address
    i = max(i for i, char in enumerate(address) if char.isalpha() and i > 1)
    flipped = address[:i] + address[i].swapcase() + address[i + 1 :]
    assert not is_valid_address("ethereum", flipped)


@pytest.mark.parametrize("address", BITCOIN_VALID)
def test_bip173_bip350_and_base58_valid_bitcoin_addresses(address):
    assert is_valid_address("bitcoin", address)


@pytest.mark.parametrize("address", BITCOIN_INVALID)
def test_bip173_bip350_invalid_bitcoin_addresses(address):
    assert not is_valid_address("bitcoin", address)


def test_tron_eos_and_unknown_chains():
    assert is_valid_address("tron", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7")
    assert not is_valid_address("tron", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU8")
    assert not is_valid_address("tron", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
    assert is_valid_address("eos", "eosio.token")
    assert is_valid_address("eos", "alice12345")
    assert not is_valid_address("eos", "Alice")
    assert not is_valid_address("eos", "toolongaccount")
    assert not is_valid_address("eos", "alice.")
    assert not is_valid_address("solana", "anything")


def test_transaction_hashes_per_chain():
    assert is_valid_tx_hash("ethereum", f"0x{TX}")
    assert not is_valid_tx_hash("ethereum", TX)
    assert is_valid_tx_hash("bitcoin", TX)
    assert is_valid_tx_hash("tron", TX.upper())
    assert is_valid_tx_hash("eos", TX)
    assert not is_valid_tx_hash("bitcoin", TX[:-1])
    assert not is_valid_tx_hash("dogecoin", TX)


def test_field_errors_name_the_chain_the_value_belongs_to():
    errors = transaction_field_errors(
        TransactionFields(
            chain="ethereum",
            tx_hash=TX,
            from_address="bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            to_address="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        )
    )

    assert errors == {
        "tx_hash": f"Ethereum transaction hashes start with 0x: 0x{TX}",
        "from_address": "This looks like a Bitcoin address, but the chain is Ethereum.",
        "to_address": "The mixed-case checksum of this address is wrong (EIP-55): check for a typo.",
    }


def test_field_errors_for_missing_chain_and_swapped_fields():
    assert transaction_field_errors(TransactionFields(chain="", tx_hash=TX)) == {
        "chain": "Choose the chain the transaction was made on."
    }
    assert transaction_field_errors(
        TransactionFields(chain="tron", tx_hash="TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", to_address=TX)
    ) == {
        "tx_hash": "This is an address, not a transaction hash.",
        "to_address": "This looks like a transaction hash, not an address.",
    }
    assert transaction_field_errors(TransactionFields(chain="bitcoin", tx_hash=TX, to_address=BITCOIN_VALID[0])) == {}
