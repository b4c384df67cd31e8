"""Former municipalities (2014-2024) and the current municipality that took them over.

DUO files keep the municipality of their release year, so older files name municipalities
that no longer exist (UDEN, WEESP, HEERHUGOWAARD, ...). No raw file links them to the
current indeling, so the facts are kept here. Source: CBS, "Gemeentelijke indelingen per
jaar" (https://www.cbs.nl/nl-nl/onze-diensten/methoden/classificaties/overig/
gemeentelijke-indelingen-per-jaar), cross-checked against the GEMEENTENUMMER/GEMEENTENAAM
pairs of DUO "02. Alle vestigingen vo" (2020) for the 2021-2023 mergers.

Current codes are those of the CBS 2024 indeling; ``build_reference`` checks that every
successor exists in the CBS reference file and reports any that does not.
"""

from __future__ import annotations

# former code -> (former name, current code, year of the change, 1 January)
MERGED: dict[str, tuple[str, str, int]] = {
    # 2014
    "0499": ("Boskoop", "0484", 2014),  # -> Alphen aan den Rijn
    "1672": ("Rijnwoude", "0484", 2014),
    "0051": ("Skarsterlân", "1940", 2014),  # -> De Friese Meren, renamed De Fryske Marren
    "0082": ("Lemsterland", "1940", 2014),
    "0653": ("Gaasterlân-Sleat", "1940", 2014),
    "1921": ("De Friese Meren", "1940", 2015),
    # 2015
    "0365": ("Graft-De Rijp", "0361", 2015),  # -> Alkmaar
    "0458": ("Schermer", "0361", 2015),
    "0241": ("Groesbeek", "1945", 2015),  # -> Berg en Dal
    "0265": ("Millingen aan de Rijn", "1945", 2015),
    "0282": ("Ubbergen", "1945", 2015),
    "0568": ("Bernisse", "1930", 2015),  # -> Nissewaard
    "0612": ("Spijkenisse", "1930", 2015),
    "0491": ("Bergambacht", "1931", 2015),  # -> Krimpenerwaard
    "0608": ("Schoonhoven", "1931", 2015),
    "0623": ("Vlist", "1931", 2015),
    "0643": ("Nederlek", "1931", 2015),
    "0644": ("Ouderkerk", "1931", 2015),
    # 2016
    "0381": ("Bussum", "1942", 2016),  # -> Gooise Meren
    "0424": ("Muiden", "1942", 2016),
    "0425": ("Naarden", "1942", 2016),
    "0478": ("Zeevang", "0385", 2016),  # -> Edam-Volendam
    # 2017
    "0844": ("Schijndel", "1948", 2017),  # -> Meierijstad
    "0846": ("Sint-Oedenrode", "1948", 2017),
    "0860": ("Veghel", "1948", 2017),
    # 2018
    "0007": ("Bellingwedde", "1950", 2018),  # -> Westerwolde
    "0048": ("Vlagtwedde", "1950", 2018),
    "0018": ("Hoogezand-Sappemeer", "1952", 2018),  # -> Midden-Groningen
    "0040": ("Menterwolde", "1952", 2018),
    "1987": ("Slochteren", "1952", 2018),
    "0063": ("het Bildt", "1949", 2018),  # -> Waadhoeke
    "0070": ("Franekeradeel", "1949", 2018),
    "1908": ("Menameradiel", "1949", 2018),
    "0081": ("Leeuwarderadeel", "0080", 2018),  # -> Leeuwarden
    "0196": ("Rijnwaarden", "0299", 2018),  # -> Zevenaar
    # 2019
    "0009": ("Ten Boer", "0014", 2019),  # -> Groningen
    "0017": ("Haren", "0014", 2019),
    "0005": ("Bedum", "1966", 2019),  # -> Het Hogeland
    "1663": ("De Marne", "1966", 2019),
    "1651": ("Eemsmond", "1966", 2019),
    # Winsum went to Het Hogeland except the former Ezinge area (to Westerkwartier).
    "0053": ("Winsum", "1966", 2019),
    "0015": ("Grootegast", "1969", 2019),  # -> Westerkwartier
    "0022": ("Leek", "1969", 2019),
    "0025": ("Marum", "1969", 2019),
    "0056": ("Zuidhorn", "1969", 2019),
    "0058": ("Dongeradeel", "1970", 2019),  # -> Noardeast-Fryslân
    "0079": ("Kollumerland en Nieuwkruisland", "1970", 2019),
    "1722": ("Ferwerderadiel", "1970", 2019),
    "0881": ("Onderbanken", "1954", 2019),  # -> Beekdaelen
    "0951": ("Nuth", "1954", 2019),
    "0962": ("Schinnen", "1954", 2019),
    "0738": ("Aalburg", "1959", 2019),  # -> Altena
    "0870": ("Werkendam", "1959", 2019),
    "0874": ("Woudrichem", "1959", 2019),
    "0236": ("Geldermalsen", "1960", 2019),  # -> West Betuwe
    "0304": ("Lingewaal", "1960", 2019),
    "0733": ("Neerijnen", "1960", 2019),
    "0545": ("Leerdam", "1961", 2019),  # -> Vijfheerenlanden
    "0620": ("Vianen", "1961", 2019),
    "0707": ("Zederik", "1961", 2019),
    "0584": ("Oud-Beijerland", "1963", 2019),  # -> Hoeksche Waard
    "0585": ("Binnenmaas", "1963", 2019),
    "0588": ("Korendijk", "1963", 2019),
    "0611": ("Cromstrijen", "1963", 2019),
    "0617": ("Strijen", "1963", 2019),
    "0689": ("Giessenlanden", "1978", 2019),  # -> Molenlanden
    "1927": ("Molenwaard", "1978", 2019),
    "0393": ("Haarlemmerliede en Spaarnwoude", "0394", 2019),  # -> Haarlemmermeer
    "0576": ("Noordwijkerhout", "0575", 2019),  # -> Noordwijk
    # 2021
    "0003": ("Appingedam", "1979", 2021),  # -> Eemsdelta
    "0010": ("Delfzijl", "1979", 2021),
    "0024": ("Loppersum", "1979", 2021),
    # 2022
    "0398": ("Heerhugowaard", "1980", 2022),  # -> Dijk en Waard
    "0416": ("Langedijk", "1980", 2022),
    "0370": ("Beemster", "0439", 2022),  # -> Purmerend
    "0457": ("Weesp", "0363", 2022),  # -> Amsterdam
    "0756": ("Boxmeer", "1982", 2022),  # -> Land van Cuijk
    "0786": ("Grave", "1982", 2022),
    "0815": ("Mill en Sint Hubert", "1982", 2022),
    "1684": ("Cuijk", "1982", 2022),
    "1702": ("Sint Anthonis", "1982", 2022),
    "0856": ("Uden", "1991", 2022),  # -> Maashorst
    "1685": ("Landerd", "1991", 2022),
    # 2023
    "0501": ("Brielle", "1992", 2023),  # -> Voorne aan Zee
    "0530": ("Hellevoetsluis", "1992", 2023),
    "0614": ("Westvoorne", "1992", 2023),
}

# Municipalities divided over several successors: a row can be placed in their (common)
# province, not in one municipality or COROP region.
# former code -> (former name, current codes, year)
SPLIT: dict[str, tuple[str, tuple[str, ...], int]] = {
    "1671": ("Maasdonk", ("0796", "0828"), 2015),  # 's-Hertogenbosch, Oss
    "0140": ("Littenseradiel", ("0080", "1900", "1949"), 2018),  # Leeuwarden, SWF, Waadhoeke
    "0788": ("Haaren", ("0757", "0824", "0855", "0865"), 2021),  # Boxtel, Oisterwijk, ...
}

# Spellings of current municipalities in DUO files that no key-normalisation can equate
# with the CBS name. key (see names.name_key) -> current code.
ALIASES: dict[str, str] = {
    "nuenen ca": "0820",  # 'NUENEN C.A.' = Nuenen, Gerwen en Nederwetten
    "den haag": "0518",  # 's-Gravenhage
    "den bosch": "0796",  # 's-Hertogenbosch
}
