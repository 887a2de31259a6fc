"""Near-duplicate grouping of suggestions (feedback.similarity): English, Chinese, mixed; deterministic."""

from feedback.similarity import cluster, features, jaccard, normalise, representative

THRESHOLD = 0.4  # the default (settings.TRENDS_SUGGESTION_SIMILARITY)


def test_words_are_normalised_and_stop_words_dropped():
    assert normalise("  Please ADD\tＤａｒｋ  mode！ ") == "please add dark mode!"
    assert features("Please add a dark mode!") == {"add", "dark", "mode"}


def test_chinese_becomes_character_pairs_and_mixed_text_keeps_its_words():
    assert features("请增加深色模式") == {"请增", "增加", "加深", "深色", "色模", "模式"}
    assert features("支持Solana网络") == {"支持", "solana", "网络"}
    assert features("好") == {"好"}


def test_similarity_is_the_jaccard_index_and_empty_texts_match_nothing():
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_english_and_chinese_near_duplicates_are_grouped_and_different_ones_kept_apart():
    texts = [
        "Please add dark mode",  # 0
        "Support the Solana network",  # 1
        "希望增加深色模式",  # 2
        "Add a dark mode please!",  # 3
        "请增加深色模式",  # 4
        "Lower the network fees",  # 5
        "支持Solana网络",  # 6
        "希望支持 Solana 网络",  # 7
        "Dark mode for the app",  # 8
        "降低转账手续费",  # 9
    ]

    groups = cluster(texts, threshold=THRESHOLD)

    assert groups == [[0, 3, 8], [1], [2, 4], [5], [6, 7], [9]]


def test_a_chinese_near_duplicate_with_an_extra_clause_is_still_grouped():
    # Share 5 character pairs of 12: Jaccard 0.42. The full-width comma ends a run (NFKC makes it ",").
    texts = ["深色模式 希望增加深色模式", "深色模式 请增加深色模式，晚上看太亮", "降低转账手续费"]

    assert cluster(texts, threshold=THRESHOLD) == [[0, 1], [2]]


def test_grouping_is_deterministic_and_follows_the_given_order():
    texts = ["Add dark mode", "dark mode please", "Add a Solana network", "solana network support", "请增加深色模式"]

    assert cluster(texts, threshold=THRESHOLD) == cluster(list(texts), threshold=THRESHOLD)
    assert cluster(texts, threshold=THRESHOLD) == [[0, 1], [2, 3], [4]]


def test_a_text_without_words_stays_alone():
    assert cluster(["!!!", "???", "Add dark mode"], threshold=THRESHOLD) == [[0], [1], [2]]


def test_the_representative_is_the_member_most_like_the_rest():
    texts = ["dark mode", "add dark mode toggle", "add dark mode", "add dark mode now"]

    assert representative(texts, [0, 1, 2, 3]) == 2
    assert representative(texts, [1, 3]) == 1  # two members: the first


def test_skipping_leaders_without_a_shared_feature_changes_no_group():
    """The inverted index only skips leaders whose similarity is 0: same groups as comparing every leader."""
    import random

    from feedback.similarity import features as text_features

    rng = random.Random(4)
    vocabulary = ["dark", "mode", "solana", "fees", "swap", "backup", "深色", "模式", "手续费", "网络", "支持"]
    texts = [" ".join(rng.sample(vocabulary, rng.randint(1, 4))) for _n in range(120)]

    leaders: list[tuple[frozenset, list[int]]] = []
    for index, text in enumerate(texts):
        own = text_features(text)
        scores = [jaccard(own, leader) for leader, _members in leaders]
        best = max(range(len(scores)), key=lambda position: (scores[position], -position), default=None)
        if best is not None and scores[best] >= THRESHOLD:
            leaders[best][1].append(index)
        else:
            leaders.append((own, [index]))

    assert cluster(texts, threshold=THRESHOLD) == [members for _leader, members in leaders]
