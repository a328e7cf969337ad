"""Word lists for the sample GoldMine database: plausible UK/US names, places and products.

Phone numbers use the ranges reserved for drama (Ofcom 01632 960xxx, US 555-01xx), and e-mail
domains are example domains, so the sample never names a real person or address.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Alice", "Ben", "Charlotte", "Daniel", "Emma", "Farah", "George", "Hannah", "Imran", "Jack",
    "Katie", "Liam", "Megan", "Nathan", "Olivia", "Priya", "Quentin", "Rachel", "Samuel", "Tom",
    "Uma", "Victoria", "William", "Yasmin", "Zack", "Amelia", "Oliver", "Isla", "Harry", "Grace",
    "Mohammed", "Sophie", "Ethan", "Ruby", "Lucas", "Chloe", "Aarav", "Freya", "Callum", "Niamh",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis",
    "Rodriguez", "Cox", "Alexander", "Morgan", "Hughes", "Edwards", "Hill", "Moore", "Clark",
    "Harrison", "Scott", "Fitzwilliam-Montgomery",
)
TITLES = ("Purchasing Manager", "Lab Manager", "Chief Engineer", "Operations Director",
          "Quality Manager", "Buyer", "Technical Director", "Research Scientist", "Managing Director",
          "Production Manager")
DEPARTMENTS = ("Purchasing", "Laboratory", "Engineering", "Operations", "Quality", "R&D", "")
COMPANY_FIRST = ("Acme", "Northwind", "Harbour", "Pennine", "Severn", "Thames", "Cotswold", "Fenland",
                 "Brunel", "Kestrel", "Orion", "Meridian", "Albion", "Vantage", "Summit", "Beacon",
                 "Granite", "Lakeland", "Trent", "Mersey", "Solent", "Chiltern", "Quantock", "Wessex")
COMPANY_SECOND = ("Instruments", "Analytics", "Scientific", "Laboratories", "Engineering", "Systems",
                  "Materials", "Pharma", "Foods", "Water", "Metrology", "Process Controls",
                  "Environmental", "Semiconductors")
COMPANY_SUFFIX = ("Ltd", "plc", "Ltd", "LLP", "Group", "Ltd", "Inc.")
DISTRIBUTOR_SECOND = ("Lab Supplies", "Scientific Distribution", "Instrument Sales", "Technical Trading")
UK_PLACES = (
    ("Manchester", "Greater Manchester", "M1 4BT"), ("Leeds", "West Yorkshire", "LS1 5DL"),
    ("Bristol", "Avon", "BS1 6QH"), ("Cambridge", "Cambridgeshire", "CB2 1TN"),
    ("Oxford", "Oxfordshire", "OX1 3PJ"), ("Reading", "Berkshire", "RG1 1AF"),
    ("Nottingham", "Nottinghamshire", "NG1 5FS"), ("Sheffield", "South Yorkshire", "S1 2HE"),
    ("Cardiff", "South Glamorgan", "CF10 1EP"), ("Edinburgh", "Midlothian", "EH1 1YZ"),
    ("Glasgow", "Lanarkshire", "G2 1DY"), ("Southampton", "Hampshire", "SO14 7DU"),
    ("Norwich", "Norfolk", "NR2 1NH"), ("Newcastle upon Tyne", "Tyne and Wear", "NE1 7RU"),
    ("Milton Keynes", "Buckinghamshire", "MK9 2FS"), ("Swindon", "Wiltshire", "SN1 1LF"),
)
US_PLACES = (
    ("Boston", "MA", "02110"), ("San Diego", "CA", "92101"), ("Austin", "TX", "78701"),
    ("Raleigh", "NC", "27601"),
)
STREETS = ("High Street", "Station Road", "Mill Lane", "Church Street", "Park Road", "Victoria Road",
           "Science Park", "Enterprise Way", "Innovation Drive", "Riverside Business Park")
SOURCES = ("Trade Show", "Web Enquiry", "Referral", "Bingo Card", "Cold Call", "Advert", "")
PRODUCTS = (
    ("SF-100 Spectrometer", 18_500.0), ("SF-200 Spectrometer", 42_000.0),
    ("SF-900 Process Analyser", 275_000.0), ("XR-5 Thickness Gauge", 9_800.0),
    ("XR-50 Inline Gauge System", 120_000.0), ("LabLink Software Licence", 4_500.0),
    ("Service Contract (3 years)", 15_000.0), ("Calibration Kit", 2_200.0),
    ("Turnkey QC Line", 640_000.0),
)
CYCLES = ("NEW", "UPG", "REP")
DOMAIN_SUFFIXES = ("example.co.uk", "example.com", "example.org")
