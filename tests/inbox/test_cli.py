"""The CLI: init-db, seed-demo, create-user, create-token, revoke-token."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import KeywordRule, ListMembership, Message, Setting, SubscriberList, User
from tests.factories import auth_headers, post_inbound


def test_init_db_is_idempotent(runner: FlaskCliRunner) -> None:
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Database ready" in result.output


def test_seed_demo_seeds_once_and_prints_the_admin_login(runner: FlaskCliRunner, session: Session) -> None:
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@textdesk.local" in first.output and "password:" in first.output
    rules = session.scalars(select(KeywordRule)).all()
    assert len(rules) >= 5
    settings = {s.key: s.value for s in session.scalars(select(Setting))}
    assert "Msg&data rates may apply" in settings["help_text"]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already" in second.output
    session.expire_all()
    assert len(session.scalars(select(KeywordRule)).all()) == len(rules)


def test_create_user_prints_a_generated_password(runner: FlaskCliRunner, session: Session) -> None:
    result = runner.invoke(args=["create-user", "Ada@Example.com", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    user = session.scalars(select(User)).one()
    assert (user.email, user.role) == ("ada@example.com", "admin")


def test_create_user_errors_are_clear(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["create-user", "not-an-email"]).exit_code != 0
    assert runner.invoke(args=["create-user", "a@example.com", "--password", "short"]).exit_code != 0
    runner.invoke(args=["create-user", "a@example.com"])
    duplicate = runner.invoke(args=["create-user", "a@example.com"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    bad_role = runner.invoke(args=["create-user", "b@example.com", "--role", "boss"])
    assert bad_role.exit_code != 0
    for args in (["c\x00@example.com"], ["d@example.com", "--name", "Ada\x00"], ["e@exa\nmple.com"]):
        result = runner.invoke(args=["create-user", *args])
        assert result.exit_code == 1, result.output  # a clear CLI error, not a traceback
        assert "Error:" in result.output


def test_create_token_prints_a_working_token_on_the_last_line(runner: FlaskCliRunner, app: Flask) -> None:
    runner.invoke(args=["create-user", "ada@example.com", "--role", "agent"])
    result = runner.invoke(args=["create-token", "ada@example.com"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    client = app.test_client()
    assert client.get("/api/v1/conversations", headers=auth_headers(token)).status_code == 200
    assert runner.invoke(args=["revoke-token", token[:10]]).exit_code == 0
    assert client.get("/api/v1/conversations", headers=auth_headers(token)).status_code == 401


def test_create_token_for_an_unknown_user_fails_clearly(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-token", "nobody@example.com"])
    assert result.exit_code != 0 and "no user" in result.output


def test_demo_replies_stay_gsm_7_except_where_emoji_are_the_point(
    session: Session, runner: FlaskCliRunner
) -> None:
    from sms.segments import analyze

    runner.invoke(args=["seed-demo"])
    for rule in session.scalars(select(KeywordRule)):
        if rule.reply and "😊" not in rule.reply:
            assert analyze(rule.reply).encoding == "GSM-7", rule.name


def test_the_demo_has_a_list_to_join_by_keyword_and_on_its_form(
    runner: FlaskCliRunner, app: Flask, session: Session
) -> None:
    runner.invoke(args=["seed-demo"])
    client = app.test_client()
    post_inbound(client, "join vip", "+14155550123")
    member = session.scalars(select(ListMembership)).one()
    vip = session.get(SubscriberList, member.list_id)
    assert vip is not None and vip.name == "VIP Club"
    assert (member.status, member.source) == ("subscribed", "keyword")
    texts = session.scalars(select(Message).where(Message.direction == "outbound").order_by(Message.id)).all()
    confirmation, welcome = (text.body for text in texts)
    for words in ("Textdesk demo", "VIP Club", "Up to 4 msgs/month", "Msg&data rates may apply", "STOP"):
        assert words in confirmation
    assert welcome.startswith("Welcome to the VIP Club")
    form = client.get("/join/vip")
    assert form.status_code == 200 and "VIP Club" in form.get_data(as_text=True)
