"""supportdesk.kit.mail: a customer link is kept out of the rendered (stored) copy and put back only to send."""

from supportdesk.kit.mail import CUSTOMER_LINK_PLACEHOLDER, insert_customer_link, render_mail

LINK = "https://desk.example/portal/survey/abc:def/?a=1&b=2"


def test_the_rendered_copy_has_the_placeholder_and_the_link_is_kept_aside():
    mail = render_mail(
        language="en",
        subject_template="feedback/email/survey_invitation_subject.txt",
        text_template="emails/complaints/confirmation.txt",
        html_template="emails/complaints/confirmation.html",
        context={"customer": {"email": "alice@example.com"}, "remedies": [], "close_after_days": 7},
        customer_link=("confirm_url", LINK),
    )

    assert LINK not in mail.text and "abc:def" not in mail.html
    assert CUSTOMER_LINK_PLACEHOLDER in mail.text and CUSTOMER_LINK_PLACEHOLDER in mail.html
    assert mail.customer_link == LINK


def test_inserting_the_link_fills_text_and_escapes_it_in_html():
    text, html = insert_customer_link(
        text=f"Open {CUSTOMER_LINK_PLACEHOLDER}", html=f'<a href="{CUSTOMER_LINK_PLACEHOLDER}">x</a>', link=LINK
    )

    assert text == f"Open {LINK}"
    assert html == '<a href="https://desk.example/portal/survey/abc:def/?a=1&amp;b=2">x</a>'


def test_without_a_link_nothing_changes():
    assert insert_customer_link(text="a [customer link]", html="b", link="") == ("a [customer link]", "b")
