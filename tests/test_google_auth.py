"""Credentials: key files, env vars, ADC, a rejected key, and nothing secret in logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from sheets_sync.backends.google.auth import SCOPES, load_credentials
from sheets_sync.backends.google.spreadsheet import GoogleSheetsBackend
from sheets_sync.errors import CredentialsError

from .fakes.google_env import EMAIL, GoogleEnv, google_env, key_info, mini_sync, rsa_key


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GoogleEnv]:
    with google_env(tmp_path) as value:
        yield value


def test_a_key_file_signs_a_jwt_the_token_endpoint_accepts(env: GoogleEnv) -> None:
    auth = load_credentials(env.key_file, env={})
    assert auth.account == EMAIL
    assert set(auth.credentials.scopes) == set(SCOPES)  # type: ignore[attr-defined]

    mini_sync(env.backend(env.roadmap(1), ["Initiatives"]))

    tokens = [e for e in env.fake.log if e.name == "token"]
    assert [e.status for e in tokens] == [200]  # one exchange, reused after
    assert all(e.status == 200 for e in env.fake.api_calls())


def test_env_vars_pick_the_key_file(env: GoogleEnv, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps(key_info(rsa_key(), "other@p.iam.gserviceaccount.com")))
    assert load_credentials(env={"GOOGLE_APPLICATION_CREDENTIALS": str(other)}).account == (
        "other@p.iam.gserviceaccount.com"
    )
    both = {
        "SHEETS_SYNC_CREDENTIALS": str(env.key_file),
        "GOOGLE_APPLICATION_CREDENTIALS": str(other),
    }
    assert load_credentials(env=both).account == EMAIL
    assert load_credentials(other, env=both).account == "other@p.iam.gserviceaccount.com"


def test_a_key_google_does_not_know_is_one_line_credentials_error(
    env: GoogleEnv, tmp_path: Path
) -> None:
    stranger = tmp_path / "old-key.json"
    stranger.write_text(json.dumps(key_info(rsa_key(1))))  # signed by a key Google lacks

    with pytest.raises(CredentialsError) as caught:
        GoogleSheetsBackend(env.roadmap(1).spreadsheet_id, env.client(key_file=stranger)).read()

    assert str(caught.value) == (
        f"Google refused the credentials of {EMAIL}: invalid_grant: Invalid JWT Signature. "
        "Check that the key is current (not deleted or rotated) and the clock is right."
    )
    assert [e.name for e in env.fake.api_calls()] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            None,
            "Google credentials file '{path}' does not exist. Set credentials_file in the "
            "config or SHEETS_SYNC_CREDENTIALS to a service-account key file.",
        ),
        (
            "{not json",
            "Google credentials file '{path}' is not a readable JSON key "
            "(JSONDecodeError). Download a new JSON key for the service account.",
        ),
        (
            '{"type": "authorized_user"}',
            "Google credentials file '{path}' is not a "
            'service-account key. Use a key whose "type" is "service_account", or unset it to '
            "use Application Default Credentials.",
        ),
        (
            '{"type": "service_account", "client_email": "x@y", "token_uri": "t", '
            '"private_key": "-----BEGIN PRIVATE KEY-----\\nnope\\n-----END PRIVATE KEY-----\\n"}',
            "Google credentials file '{path}' is incomplete or its private key is invalid "
            "(ValueError). Download a new JSON key for the service account.",
        ),
    ],
    ids=["missing", "not-json", "not-a-service-account", "broken-private-key"],
)
def test_unusable_key_files(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CredentialsError) as caught:
        load_credentials(path, env={})
    assert str(caught.value) == message.format(path=path)


def test_no_credentials_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "SHEETS_SYNC_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))  # no gcloud login here
    monkeypatch.setenv("NO_GCE_CHECK", "True")  # and no metadata server
    with pytest.raises(CredentialsError, match=r"^No Google credentials found\. Pass a service"):
        load_credentials(env={})


def test_no_key_or_token_is_logged(env: GoogleEnv, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    book = env.roadmap(2)
    mini_sync(env.backend(book, ["Initiatives"]))
    info = key_info(rsa_key())
    key_body = info["private_key"].splitlines()[1:-1]

    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records  # the libraries did log, at DEBUG...
    assert env.fake.tokens  # ...a token was issued...
    for token in env.fake.tokens:
        assert token not in text  # ...and never logged
    assert not any(line in text for line in key_body)
    assert "PRIVATE KEY" not in text
