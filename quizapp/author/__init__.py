"""The instructor area: one blueprint (`views.bp`) whose routes live in two modules."""

# Importing the package loads both modules, so the blueprint has every route when it is
# registered (transfer imports views for the blueprint; views imports nothing back).
from quizapp.author import transfer, views  # noqa: F401
