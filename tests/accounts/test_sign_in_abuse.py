"""Sign-in abuse: throttling by client and by account, unlock, one answer at one cost,
no typed text stored for unknown accounts, and password strength."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect, text

from dashboard.accounts import audit, auth
from dashboard.accounts.roles import Principal
from dashboard.cli import main
from dashboard.config import get_settings
from dashboard.i18n import set_language

SECRET = "Correct-Horse-42"
SEC = Principal("boss", "secretariat")


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OVERSIGHT_MAX_FAILED_LOGINS", "3")
    monkeypatch.setenv("OVERSIGHT_CLIENT_MAX_FAILED_LOGINS", "5")
    monkeypatch.setenv("OVERSIGHT_ACCOUNT_MAX_FAILED_LOGINS", "6")
    get_settings.cache_clear()
    yield


def _fail(engine: Engine, username: str, client: str, password: str = "bad-bad-bad") -> str:
    with pytest.raises(auth.SignInError) as e:
        auth.authenticate(engine=engine, username=username, password=password, client=client)
    return e.value.reason


def _sign_in(engine: Engine, client: str, username: str = "aigul") -> Principal:
    return auth.authenticate(engine=engine, username=username, password=SECRET, client=client)


def test_one_client_guessing_many_accounts_is_paused(engine: Engine, limits: None) -> None:
    auth.create_user(engine=engine, username="aigul", password=SECRET, role="member")
    for name in ("a1", "a2", "a3", "a4", "a5"):  # spraying names that do not exist
        assert _fail(engine, name, "10.6.6.6") == "unknown"
    assert _fail(engine, "aigul", "10.6.6.6", SECRET) == "throttled"
    assert _sign_in(engine, "10.1.1.1").username == "aigul"
    paused = audit.read(engine, SEC, action="locked_out", entity="client")
    assert paused["entity_id"].to_list() == ["10.6.6.6"]


def test_many_clients_lock_the_account_until_unlocked_on_the_cli(
    engine: Engine, limits: None, capsys: pytest.CaptureFixture[str]
) -> None:
    auth.create_user(engine=engine, username="aigul", password=SECRET, role="member")
    for i in range(6):  # a distributed guess: two tries from each of three clients
        assert _fail(engine, "aigul", f"10.7.7.{i // 2}") == "invalid"
    assert _fail(engine, "aigul", "10.1.1.1", SECRET) == "locked"
    assert audit.read(engine, SEC, action="locked_out", entity="user").height == 1
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "unlock", "AIGUL"]) == 0
    assert "account 'aigul' unlocked" in capsys.readouterr().out
    assert _sign_in(engine, "10.1.1.1").username == "aigul"
    unlocked = audit.read(engine, SEC, action="unlock")
    assert unlocked["entity_id"].to_list() == ["aigul"]
    assert unlocked["username"][0].startswith("cli:")
    set_language("en")
    assert main(["--database-url", url, "unlock", "nobody"]) == 1
    assert "no account nobody" in capsys.readouterr().err


def test_a_success_forgives_only_that_client(engine: Engine, limits: None) -> None:
    auth.create_user(engine=engine, username="aigul", password=SECRET, role="member")
    for _ in range(2):
        _fail(engine, "aigul", "10.1.1.1")
        _fail(engine, "aigul", "10.9.9.9")
    _sign_in(engine, "10.1.1.1")
    assert _fail(engine, "aigul", "10.1.1.1") == "invalid"  # 1 of 3 again
    assert _fail(engine, "aigul", "10.9.9.9") == "invalid"  # the third
    assert _fail(engine, "aigul", "10.9.9.9", SECRET) == "throttled"


def test_every_refusal_costs_one_argon2_verification(
    engine: Engine, limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown, deactivated, throttled, locked and wrong password all cost the same work."""
    auth.create_user(engine=engine, username="aigul", password=SECRET, role="member")
    auth.create_user(engine=engine, username="gone", password=SECRET, role="member")
    auth.deactivate_user(engine=engine, principal=SEC, username="gone")
    calls: list[str | None] = []
    real = auth.verify_password  # always one argon2 verify (a dummy hash when there is none)

    def counting(password_hash: str | None, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting)
    reasons = [
        _fail(engine, "nobody", "10.2.2.2"),
        _fail(engine, "gone", "10.2.2.2", SECRET),
        _fail(engine, "aigul", "10.2.2.2"),
    ]
    for _ in range(3):
        reasons.append(_fail(engine, "aigul", "10.3.3.3"))
    reasons.append(_fail(engine, "aigul", "10.3.3.3", SECRET))  # throttled: the pair's limit
    assert reasons == [
        "unknown",
        "inactive",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "throttled",
    ]
    assert len(calls) == len(reasons)  # one verification each, whatever the reason


def test_text_typed_as_username_is_never_stored(engine: Engine) -> None:
    auth.create_user(engine=engine, username="aigul", password=SECRET, role="member")
    _fail(engine, "Misplaced-Password-77", "10.4.4.4", "x")
    stored = []
    with engine.connect() as c:
        for table in inspect(engine).get_table_names():
            for row in c.execute(text(f'SELECT * FROM "{table}"')):
                stored.extend(str(v) for v in row)
    assert "misplaced-password-77" not in "\n".join(stored).lower()
    failed = audit.read(engine, SEC, action="sign_in_failed")
    assert failed["username"].to_list() == [None]
    assert failed["detail"][0] == "unknown user; client 10.4.4.4"


@pytest.mark.parametrize("weak", ["password", "12345678", "qwerty123", "P@ssw0rd!", "пароль123"])
def test_common_passwords_are_refused(engine: Engine, weak: str) -> None:
    with pytest.raises(auth.AccountError, match="too easy to guess"):
        auth.create_user(engine=engine, username="aigul", password=weak, role="member")


def test_password_problems_in_the_users_language(engine: Engine) -> None:
    set_language("ru")
    try:
        with pytest.raises(auth.AccountError) as e:
            auth.create_user(engine=engine, username="aigul", password="short", role="member")
        assert str(e.value) == "пароль должен содержать не менее 8 символов"
        with pytest.raises(auth.AccountError) as e:
            auth.create_user(
                engine=engine, username="aigul2", password="aigul2aigul2", role="member"
            )
        assert str(e.value).startswith("этот пароль слишком легко угадать")
    finally:
        set_language("en")


def test_strong_passphrases_pass(engine: Engine) -> None:
    for i, good in enumerate(
        ["Correct-Horse-42", "степь ветер 2016 окно", "Демо-пароль-для-теста"]
    ):
        auth.create_user(engine=engine, username=f"user{i}", password=good, role="member")
    assert auth.count_users(engine) == 3
