"""Each normalisation step, in the order the notes give (matcher-and-privacy.md §1.2)."""

from __future__ import annotations

import pytest

from bot.matching.normalise import BOUNDARY, MAX_INPUT_CHARS, MONEY_TOKEN


@pytest.fixture
def views(mini_matcher):
    return mini_matcher.views


def test_curated_emoji_become_tokens_before_other_steps(views):
    assert views("took 💊💊 tonight").plain == ("took", "emojipill", "emojipill", "tonight")


def test_skin_tone_and_variation_selector_do_not_hide_an_emoji(views):
    assert "emojiwave" in views("hi 🙋🏽‍♀️").plain
    assert "emojiheart" in views("love u ❤️").plain


def test_uncurated_symbols_are_dropped(views):
    assert views("ok ✨ fine").plain == ("ok", "fine")


def test_nfkc_folds_fullwidth_and_math_letters(views):
    assert views("ｋｍｓ").plain == ("kms",)
    assert views("𝓼𝓾𝓲𝓬𝓲𝓭𝓮").plain == ("suicide",)
    assert views("ⓢⓔⓧⓣⓞⓡⓣⓘⓞⓝ").plain == ("sextortion",)


def test_combining_marks_and_zalgo_are_dropped(views):
    assert views("s̶u̶i̶c̶i̶d̶e̶").plain == ("suicide",)
    assert views("ṡ̷̢u̴̧i̸c̶̛i̷d̵e").plain == ("suicide",)


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u00ad", "\u202e", "\u2066", "\ufeff"])
def test_format_characters_are_dropped(views, char):
    assert views(f"k{char}ill my{char}self").plain == ("kill", "myself")


def test_casefold(views):
    assert views("KILL MySelf").plain == ("kill", "myself")
    assert views("STRASSE straße").plain == ("strasse", "strasse")


def test_confusables_map_lookalikes_to_latin(views):
    assert views("ѕuicide").plain == ("suicide",)  # Cyrillic dze
    assert views("ᴋɪʟʟ ᴍʏꜱᴇʟꜰ").plain == ("kill", "myself")  # small capitals
    assert views("рiсs").plain == ("pics",)  # Cyrillic er and es


def test_discord_markdown_is_stripped(views):
    assert views("||i want to die||").plain == ("i", "want", "to", "die")
    assert views("~~kms~~ **now** __ok__ `x`").plain == ("kms", "now", "ok", "x")


@pytest.mark.parametrize("text", ["k i l l myself", "k.i.l.l myself", "k-i-l-l myself", "k. i. l. l myself"])
def test_spaced_and_dotted_letters_are_joined(views, text):
    assert views(text).plain == ("kill", "myself")


def test_two_single_letters_are_not_joined(views):
    assert views("i m ok").plain == ("i", "m", "ok")


def test_repeats_shortened_in_plain_and_collapsed_in_skeleton(views):
    v = views("pleaseeeee helpppp too")
    assert v.plain == ("pleasee", "helpp", "too")
    assert v.skeleton == ("piease", "heip", "to")


def test_leet_folds_only_in_the_skeleton(views):
    v = views("n00dz k1ll n@ked")
    assert v.plain == ("n00dz", "k1ll", "nked")
    assert v.skeleton == ("nods", "ki", "naked")


def test_numbers_stay_in_plain_and_fold_in_skeleton(views):
    v = views("d0n7 w4n7 70 die at 100")
    assert v.plain == ("d0n7", "w4n7", "70", "die", "at", "100")
    assert v.skeleton == ("dont", "want", "to", "die", "at", "io")


def test_apostrophes_removed_not_split(views):
    assert views("don’t won't").plain == ("dont", "wont")


@pytest.mark.parametrize("text", ["$200", "200$", "200 dollars", "5k", "£50", "100 quid", "50k naira", "€ 30"])
def test_money_amounts_become_one_token(views, text):
    assert views(f"pay {text} now").plain == ("pay", MONEY_TOKEN, "now")


def test_sentence_punctuation_becomes_one_boundary_token(views):
    assert views("no. really!!! ok").plain == ("no", BOUNDARY, "really", BOUNDARY, "ok")
    assert views("help!").plain == ("help",)
    assert views("k!ll").skeleton == ("ki",)


def test_views_share_positions(views):
    v = views("He said, he'll l3ak my p1cs!!! unless i pay $200 💀")
    assert len(v.plain) == len(v.skeleton)


def test_long_input_is_capped(views):
    v = views("word " * 5000)
    assert len(v.plain) == MAX_INPUT_CHARS // 5 + 1 or len(v.plain) <= MAX_INPUT_CHARS // 5 + 1


def test_control_characters_and_empty_input(views):
    assert views("").plain == ()
    assert views("\x00\x01\x7f").plain == ()
    assert views("a\x00b").plain in (("a", "b"), ("ab",))
