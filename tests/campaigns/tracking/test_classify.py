"""Real user agents and addresses, as the providers document them, replayed through the classification of opens
and clicks (no database: the rules read the request alone; timing is judged by ``Judgement.judged``)."""

import pytest

from campaigns.tracking.classify import (
    DECOY,
    PERSON,
    PREFETCH,
    PROXY,
    SCANNER,
    classify_click,
    classify_open,
    network_of,
)

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID_GMAIL_APP = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile "
    "Safari/537.36"
)
GMAIL_PROXY = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
YAHOO_PROXY = (
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 "
    "Safari/537.36 Edge/12.10136 YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Safari/537.36 Edg/124.0.0.0"
)
ORANGE_MOBILE = "90.84.12.7"  # a French mobile operator's customer


@pytest.mark.parametrize(
    ("who", "agent", "address", "verdict", "reason"),
    [
        ("Apple MPP, from Apple's 17.0.0.0/8", "Mozilla/5.0", "17.58.101.9", PREFETCH, "apple-relay"),
        ("Apple MPP, no agent at all", "", "17.248.130.20", PREFETCH, "apple-relay"),
        ("Gmail's image proxy", GMAIL_PROXY, "66.249.84.193", PROXY, "proxy:gmail"),
        ("Yahoo Mail's image proxy", YAHOO_PROXY, "98.137.11.164", PROXY, "proxy:yahoo"),
        ("Outlook.com, from Microsoft's mail network", EDGE, "40.92.18.50", PROXY, "proxy:outlook"),
        ("Proofpoint, by its networks", EDGE, "148.163.150.10", SCANNER, "network:proofpoint"),
        (
            "Mimecast, by its agent",
            "Mozilla/5.0 (compatible; Mimecast URL Protect)",
            "8.8.8.8",
            SCANNER,
            "agent:mimecast",
        ),
        ("Mimecast, by its networks", EDGE, "91.220.42.33", SCANNER, "network:mimecast"),
        ("Barracuda", EDGE, "64.235.150.12", SCANNER, "network:barracuda"),
        ("a person on a phone", IPHONE_SAFARI, ORANGE_MOBILE, PERSON, "person"),
        ("a person in the Gmail app on Android", ANDROID_GMAIL_APP, "2a01:cb00:1234:5600::1", PERSON, "person"),
    ],
)
def test_each_kind_of_open_is_classified_as_its_provider_documents_it(who, agent, address, verdict, reason):
    assert classify_open(agent, address).judged() == (verdict, reason), who


def test_a_gmail_open_an_hour_later_is_a_real_open_and_a_generic_fetch_at_delivery_a_prefetch():
    assert classify_open(GMAIL_PROXY, "66.249.84.193").judged(early=False)[0] == PROXY
    assert classify_open("Mozilla/5.0", "203.0.113.9").judged(early=True) == (PREFETCH, "generic-agent-at-delivery")
    assert classify_open("Mozilla/5.0", "203.0.113.9").judged(early=False)[0] == PROXY
    assert classify_open(IPHONE_SAFARI, ORANGE_MOBILE).judged(early=True) == (PREFETCH, "at-delivery")
    assert classify_open(IPHONE_SAFARI, ORANGE_MOBILE).judged(early=False) == (PERSON, "person")


@pytest.mark.parametrize(
    ("who", "agent", "address", "reason"),
    [
        (
            "Proofpoint URL Defense",
            "Mozilla/5.0 (compatible; Proofpoint URL Defense)",
            "203.0.113.7",
            "agent:proofpoint",
        ),
        ("Proofpoint, a browser agent from its networks", EDGE, "67.231.149.30", "network:proofpoint"),
        ("Safe Links' link check", "Microsoft Office Existence Discovery", "52.100.12.4", "agent:safe-links"),
        ("Safe Links, a browser agent from Exchange Online", EDGE, "40.107.22.91", "network:safe-links"),
        ("Safe Links over IPv6", EDGE, "2a01:111:f400:fe1e::7", "network:safe-links"),
        ("Mimecast URL Protect", EDGE, "205.139.110.61", "network:mimecast"),
        ("Symantec Email Security.cloud", EDGE, "216.82.242.10", "network:symantec"),
        ("a script", "python-requests/2.32.3", ORANGE_MOBILE, "agent:http-library"),
    ],
)
def test_security_scanners_clicks_are_recognised(who, agent, address, reason):
    assert classify_click(agent, address).judged() == (SCANNER, reason), who


def test_a_person_on_a_phone_clicks_but_not_at_delivery_nor_in_a_burst():
    judgement = classify_click(IPHONE_SAFARI, ORANGE_MOBILE)
    assert judgement.judged() == (PERSON, "person")
    assert judgement.judged(early=True) == (SCANNER, "click-at-delivery")
    assert judgement.judged(burst=True) == (SCANNER, "burst")


def test_a_head_request_and_the_decoy_are_scanners():
    assert classify_click(IPHONE_SAFARI, ORANGE_MOBILE, "HEAD").judged() == (SCANNER, "head")
    assert classify_open(GMAIL_PROXY, "66.249.84.193", "HEAD").judged() == (SCANNER, "head")
    assert DECOY.judged(early=True, burst=True) == (SCANNER, "decoy")


def test_an_apple_address_that_clicks_is_a_person_an_image_is_no_click():
    assert classify_click(IPHONE_SAFARI, "17.58.101.9").judged() == (PERSON, "person")


def test_only_the_network_of_an_address_is_kept():
    assert network_of("90.84.12.7") == "90.84.12.0/24"
    assert network_of("2a01:cb00:1234:5600::1") == "2a01:cb00:1234::/48"
    assert network_of("") == network_of("not an address") == ""
