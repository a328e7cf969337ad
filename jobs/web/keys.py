"""The key that signs session cookies and CSRF tokens.

`GOLDHEAT_WEB__SECRET_KEY` when set (several web processes, or a container whose var folder is
not kept, must share one). Otherwise a random 32-byte key is generated once into
`<var_dir>/web-secret.key` with owner-only permissions and reused, so sessions survive a restart
of the demo; deleting the file signs everyone out.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from config.logs import register_secret
from config.settings import Settings

KEY_FILE = "web-secret.key"
MIN_LENGTH = 32


def secret_key(settings: Settings) -> str:
    configured = settings.web.secret_key.get_secret_value()
    if configured:
        from config.errors import ConfigurationError

        if len(configured) < MIN_LENGTH:
            raise ConfigurationError(f"GOLDHEAT_WEB__SECRET_KEY is shorter than {MIN_LENGTH} characters; make one "
                                     "with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`",
                                     setting="GOLDHEAT_WEB__SECRET_KEY")
        return configured
    key = _key_file(Path(settings.var_dir) / KEY_FILE)
    register_secret(key)
    return key


def _key_file(path: Path) -> str:
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(32))
    try:
        os.link(tmp, path)  # another process that made it first wins; use theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()
