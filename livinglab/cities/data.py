"""The eight founding partners, as signed in Pavia in April 2022 (also seeded by a migration)."""

# The time zone a member of each partner reads times in, unless their browser says otherwise.
TIME_ZONES = {
    "pavia": "Europe/Rome",
    "poitiers": "Europe/Paris",
    "coimbra": "Europe/Lisbon",
    "iasi": "Europe/Bucharest",
    "besancon": "Europe/Paris",
    "hildesheim": "Europe/Berlin",
    "salamanca": "Europe/Madrid",
    "turku": "Europe/Helsinki",
}

FOUNDING_PARTNERS = (
    ("pavia", "Pavia", "Comune di Pavia", "Italy", "it"),
    ("poitiers", "Grand Poitiers", "Grand Poitiers Communauté Urbaine", "France", "fr"),
    ("coimbra", "Coimbra", "Câmara Municipal de Coimbra", "Portugal", "pt"),
    ("iasi", "Iași", "Primăria Municipiului Iași", "Romania", "ro"),
    ("besancon", "Besançon", "Ville de Besançon", "France", "fr"),
    ("hildesheim", "Hildesheim", "Stadt Hildesheim", "Germany", "de"),
    ("salamanca", "Salamanca", "Ayuntamiento de Salamanca", "Spain", "es"),
    ("turku", "Turku", "Turun kaupunki", "Finland", "fi"),
)
