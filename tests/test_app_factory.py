"""The application factory: configuration sources in order, the generated secret key."""

from festival import create_app


def test_secret_key_is_generated_into_the_instance_folder_once(tmp_path, monkeypatch):
    monkeypatch.delenv("FESTIVAL_SECRET_KEY", raising=False)
    first = create_app(instance_path=str(tmp_path))
    second = create_app(instance_path=str(tmp_path))
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/festival.sqlite"


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'SECRET_KEY = "from-instance"\nSQLALCHEMY_DATABASE_URI = "sqlite:///instance.db"\n'
        "LOGIN_MAX_FAILURES = 3\n"
    )
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["LOGIN_MAX_FAILURES"] == 3

    monkeypatch.setenv("FESTIVAL_SECRET_KEY", "from-environment")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/festival")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "from-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert not (tmp_path / "secret_key").exists()


def test_test_config_wins_over_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("FESTIVAL_SECRET_KEY", "from-environment")
    app = create_app({"SECRET_KEY": "from-test"}, instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "from-test"


def test_healthz_answers_without_the_database(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent/dir/x.sqlite"},
        instance_path=str(tmp_path),
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
