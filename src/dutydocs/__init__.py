"""dutydocs: YAML catalogues in, the printed papers of 党风廉政建设 out."""

from .errors import Problem, ProblemsError
from .main import Loaded, load_catalog
from .model import Catalog

__all__ = ["Catalog", "Loaded", "Problem", "ProblemsError", "load_catalog"]
__version__ = "0.1.0"
