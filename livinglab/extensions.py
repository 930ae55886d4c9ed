"""Extension singletons, created without an app and bound in the factory."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from livinglab.database import Model
from livinglab.resilience import FailoverLimiter

db = SQLAlchemy(model_class=Model)
if TYPE_CHECKING:
    # db.Model is made at run time from Model; the type checker sees the base it extends.
    ModelBase = Model
else:
    ModelBase = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Counters live in Redis when configured, in this process's memory while Redis is down.
limiter = FailoverLimiter(key_func=get_remote_address, default_limits=[])
socketio = SocketIO()
