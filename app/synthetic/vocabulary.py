"""The words synthetic data is made of: names by country, office titles, outlets and quote sentences.

Every name here is assembled at random from common first names and surnames, so any match with a
real person is chance; the data is marked synthetic in the database and on every page.
"""

from __future__ import annotations

from types import MappingProxyType

# (first names, surnames) by naming tradition; countries share a tradition where names do.
NAME_POOLS: MappingProxyType[str, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType({
    "albanian": (("Arben", "Besnik", "Elira", "Erion", "Ilir", "Jonida", "Klodian", "Mimoza", "Olta", "Rrezart", "Teuta", "Valbona"),
                 ("Dervishi", "Gjoka", "Kola", "Leka", "Marku", "Muça", "Prifti", "Shehu", "Tafa", "Xhafa", "Zeneli")),
    "dutch": (("Annelies", "Bart", "Dirk", "Els", "Femke", "Hendrik", "Jeroen", "Karin", "Lieve", "Maarten", "Pieter", "Sanne", "Wouter"),
              ("Bakker", "de Backer", "de Jong", "Janssens", "Maes", "Mertens", "Peeters", "Smits", "van Dijk", "Vermeulen", "Visser", "Willems")),
    "french": (("Amélie", "Antoine", "Camille", "Claire", "Étienne", "François", "Hélène", "Julien", "Laurent", "Mathilde", "Nicolas", "Sébastien", "Sophie"),
               ("Bernard", "Dubois", "Durand", "Fontaine", "Girard", "Lambert", "Laurent", "Lefèvre", "Mercier", "Moreau", "Petit", "Rousseau", "Roux")),
    "bulgarian": (("Boyko", "Daniela", "Dimitar", "Elena", "Georgi", "Ivaylo", "Kalina", "Mariya", "Nikolay", "Petya", "Rumen", "Stefan", "Todor"),
                  ("Angelov", "Dimitrova", "Georgiev", "Hristov", "Ivanova", "Kolev", "Marinov", "Nikolova", "Petrov", "Stoyanov", "Todorova", "Yordanov")),
    "english": (("Alex", "Andrew", "Catherine", "Daniel", "Emily", "Grace", "James", "Jennifer", "Laura", "Michael", "Olivia", "Rachel", "Robert", "Thomas"),
                ("Anderson", "Brooks", "Campbell", "Carter", "Ellis", "Fraser", "Hughes", "Morgan", "Murphy", "Palmer", "Reid", "Sullivan", "Walsh", "Wright")),
    "south_slavic": (("Ana", "Bojan", "Dragan", "Ivana", "Jelena", "Luka", "Maja", "Marko", "Milena", "Nikola", "Petra", "Tomislav", "Vesna"),
                     ("Babić", "Horvat", "Jovanović", "Kovač", "Krajnc", "Marković", "Novak", "Petrović", "Stojanovski", "Vidović", "Vukčević", "Zupan")),
    "west_slavic": (("Andrej", "Jana", "Jiří", "Kateřina", "Lucie", "Martin", "Michal", "Pavel", "Petra", "Tomáš", "Veronika", "Zuzana"),
                    ("Dvořák", "Horváth", "Kováč", "Kučera", "Nagy", "Novák", "Procházka", "Svoboda", "Tóth", "Varga", "Veselý", "Černý")),
    "nordic": (("Anders", "Astrid", "Erik", "Freja", "Gunnar", "Ingrid", "Jonas", "Kari", "Lars", "Mette", "Nils", "Sigrid", "Sofie"),
               ("Andersen", "Berg", "Dahl", "Eriksson", "Hansen", "Johansson", "Karlsson", "Larsen", "Lindqvist", "Nielsen", "Nyström", "Sigurðsson")),
    "finnish": (("Aino", "Antti", "Elina", "Heikki", "Jussi", "Kaisa", "Mikko", "Päivi", "Riikka", "Sanna", "Timo", "Ville"),
                ("Heikkinen", "Hämäläinen", "Koskinen", "Laine", "Lehtonen", "Mäkinen", "Nieminen", "Saarinen", "Virtanen", "Järvinen")),
    "estonian": (("Andres", "Hanno", "Kadri", "Kaja", "Liina", "Margus", "Mart", "Piret", "Rein", "Siim", "Triin", "Urmas"),
                 ("Kask", "Kuusk", "Lepik", "Mägi", "Ots", "Põder", "Rebane", "Saar", "Sepp", "Tamm", "Vaher")),
    "latvian": (("Andris", "Arturs", "Baiba", "Evika", "Ilze", "Jānis", "Kārlis", "Laura", "Māris", "Rihards", "Sandra", "Valdis"),
                ("Bērziņš", "Jansons", "Kalniņš", "Krūmiņš", "Liepiņa", "Ozoliņš", "Pētersons", "Vītols", "Zariņš")),
    "lithuanian": (("Aušra", "Dalia", "Gabrielius", "Ingrida", "Jonas", "Laurynas", "Mantas", "Rasa", "Saulius", "Tomas", "Vilma", "Žygimantas"),
                   ("Butkus", "Jankauskas", "Kazlauskas", "Paulauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas")),
    "german": (("Andreas", "Anna", "Christian", "Friedrich", "Jana", "Johannes", "Julia", "Katrin", "Markus", "Sabine", "Stefan", "Ursula", "Wolfgang"),
               ("Bauer", "Becker", "Fischer", "Hoffmann", "Klein", "Koch", "Krüger", "Meyer", "Müller", "Schäfer", "Schmidt", "Schneider", "Wagner", "Weber")),
    "greek": (("Dimitris", "Eleni", "Georgios", "Ioanna", "Katerina", "Konstantinos", "Maria", "Nikos", "Sofia", "Vasilis", "Yannis"),
              ("Alexiou", "Dimitriou", "Georgiou", "Nikolaou", "Oikonomou", "Papadopoulos", "Papanikolaou", "Vlachos")),
    "hungarian": (("Anna", "Balázs", "Katalin", "László", "Márton", "Péter", "Réka", "Szabolcs", "Tamás", "Zoltán", "Zsófia"),
                  ("Balogh", "Farkas", "Horváth", "Kiss", "Kovács", "Molnár", "Nagy", "Németh", "Szabó", "Tóth", "Varga")),
    "italian": (("Alessandro", "Chiara", "Francesca", "Giorgia", "Giovanni", "Giulia", "Lorenzo", "Marco", "Matteo", "Paola", "Roberto", "Valentina"),
                ("Bianchi", "Colombo", "Conti", "Esposito", "Ferrari", "Gallo", "Greco", "Marino", "Ricci", "Romano", "Rossi", "Russo")),
    "portuguese": (("Ana", "António", "Beatriz", "Catarina", "Duarte", "Inês", "João", "Luís", "Marta", "Miguel", "Pedro", "Rui"),
                   ("Almeida", "Carvalho", "Costa", "Ferreira", "Gomes", "Lopes", "Martins", "Oliveira", "Pereira", "Rodrigues", "Santos", "Silva")),
    "spanish": (("Alberto", "Carmen", "Diego", "Elena", "Isabel", "Javier", "Lucía", "Margarita", "Pablo", "Pilar", "Raquel", "Teresa"),
                ("Fernández", "García", "González", "Jiménez", "López", "Martín", "Moreno", "Navarro", "Pérez", "Ruiz", "Sánchez")),
    "polish": (("Agnieszka", "Andrzej", "Anna", "Barbara", "Krzysztof", "Magdalena", "Małgorzata", "Paweł", "Piotr", "Tomasz", "Władysław", "Zbigniew"),
               ("Kamiński", "Kowalczyk", "Kowalski", "Lewandowski", "Nowak", "Szymański", "Wiśniewski", "Wójcik", "Zieliński")),
    "romanian": (("Alexandru", "Andreea", "Bogdan", "Cristina", "Elena", "Ioana", "Klaus", "Marcel", "Mihai", "Radu", "Simona", "Vasile"),
                 ("Constantin", "Dumitru", "Georgescu", "Ionescu", "Mocanu", "Popa", "Popescu", "Preda", "Radu", "Stan", "Stoica", "Tănase")),
    "turkish": (("Ahmet", "Ayşe", "Can", "Elif", "Emre", "Fatma", "Hakan", "Mehmet", "Murat", "Selin", "Yusuf", "Zeynep"),
                ("Arslan", "Aydın", "Çelik", "Demir", "Doğan", "Kaya", "Koç", "Öztürk", "Şahin", "Yıldırım", "Yıldız", "Yılmaz")),
    "ukrainian": (("Andrii", "Dmytro", "Iryna", "Kateryna", "Mykhailo", "Oleksandr", "Olena", "Oksana", "Serhii", "Taras", "Yuliia", "Yurii"),
                  ("Bondarenko", "Boiko", "Hrytsenko", "Kovalenko", "Kravchenko", "Melnyk", "Oliinyk", "Shevchenko", "Tkachenko", "Zinchenko")),
})

COUNTRY_TRADITION: MappingProxyType[str, str] = MappingProxyType({
    "AL": "albanian", "BE": "dutch", "BG": "bulgarian", "CA": "english", "HR": "south_slavic", "CZ": "west_slavic",
    "DK": "nordic", "EE": "estonian", "FI": "finnish", "FR": "french", "DE": "german", "GR": "greek", "HU": "hungarian",
    "IS": "nordic", "IT": "italian", "LV": "latvian", "LT": "lithuanian", "LU": "french", "ME": "south_slavic",
    "NL": "dutch", "MK": "south_slavic", "NO": "nordic", "PL": "polish", "PT": "portuguese", "RO": "romanian",
    "SK": "west_slavic", "SI": "south_slavic", "ES": "spanish", "SE": "nordic", "TR": "turkish", "GB": "english",
    "US": "english", "NATO": "english", "UA": "ukrainian",
})

# The language officials of a country speak when not speaking English; quotes in it carry English translations.
COUNTRY_LANGUAGE: MappingProxyType[str, str] = MappingProxyType({
    "PL": "pl", "DE": "de", "FR": "fr", "BE": "fr", "LU": "fr", "RO": "ro", "UA": "uk", "ES": "es", "IT": "it",
})

# How many statements a country makes, relative to others (frontline states and large allies talk most).
COUNTRY_WEIGHT: MappingProxyType[str, float] = MappingProxyType({
    "PL": 9, "US": 9, "UA": 9, "DE": 7, "FR": 7, "GB": 7, "NATO": 7, "RO": 6, "LT": 5, "LV": 4, "EE": 4, "HU": 4,
    "SK": 3, "CZ": 3, "FI": 3, "IT": 3, "ES": 2.5, "NL": 2.5, "TR": 2.5, "CA": 2.5, "SE": 2.5, "DK": 2, "NO": 2,
    "BG": 2, "GR": 1.5, "BE": 1.5, "PT": 1, "HR": 1, "SI": 1, "AL": 0.8, "MK": 0.8, "ME": 0.7, "LU": 0.6, "IS": 0.5,
})

# A country's leaning on interception, from -2 to +2: the centre its synthetic stances scatter around.
COUNTRY_LEAN: MappingProxyType[str, float] = MappingProxyType({
    "PL": 1.3, "LT": 1.4, "LV": 1.3, "EE": 1.3, "UA": 2.0, "RO": 0.6, "CZ": 0.6, "FI": 0.5, "DK": 0.6, "GB": 0.4,
    "CA": 0.3, "SE": 0.4, "NO": 0.2, "NL": 0.2, "FR": 0.1, "BG": -0.2, "US": -0.6, "DE": -0.8, "IT": -0.7,
    "ES": -0.6, "PT": -0.5, "BE": -0.4, "LU": -0.4, "HR": -0.3, "SI": -0.4, "AL": 0.0, "MK": -0.2, "ME": -0.2,
    "GR": -0.6, "IS": -0.2, "NATO": -1.0, "TR": -1.1, "HU": -1.8, "SK": -1.2,
})

# Office titles by rank; the matrix weighs heads 3, ministers 2, others 1.
HEAD_TITLES = ("President", "Prime Minister")
MINISTER_TITLES = ("Minister of Foreign Affairs", "Minister of Defence")
OTHER_TITLES = (
    "Deputy Minister of Defence", "Deputy Minister of Foreign Affairs", "Member of Parliament",
    "Chair of the Defence Committee", "Chair of the Foreign Affairs Committee", "Spokesperson of the Ministry of Defence",
    "Spokesperson of the Ministry of Foreign Affairs", "Ambassador to NATO", "Chief of the General Staff",
    "National Security Adviser", "State Secretary for Defence", "Leader of the Opposition", "Member of the European Parliament",
)
NATO_HEAD_TITLES = ("NATO Secretary General",)
NATO_OTHER_TITLES = (
    "NATO Deputy Secretary General", "NATO Spokesperson", "Chair of the NATO Military Committee",
    "Supreme Allied Commander Europe", "NATO Assistant Secretary General for Operations",
)
INSTITUTIONS = ("Ministry of Defence", "Ministry of Foreign Affairs", "Office of the President", "Parliament")

OUTLETS = (
    "Synthetic Wire", "Example Daily", "The Placeholder Post", "Benchmark Herald", "Sample Times",
    "Fictional Broadcasting", "Test Pattern News", "Mock Gazette",
)
SOURCE_DOMAIN = "synthetic.example.org"  # RFC 2606 reserves example.org: these URLs lead nowhere

# Quote sentences in English, by stance sign; a quote strings 1 to 4 of them together.
ENGLISH = {
    1: (
        "We are ready to help Ukraine shoot down Russian drones that approach our border.",
        "Intercepting missiles over western Ukraine would protect our own citizens as well.",
        "Our air defence can engage targets over Ukrainian territory if the government in Kyiv asks us to.",
        "Every drone shot down over Lviv is one that cannot stray into allied airspace.",
        "I see no legal obstacle to downing Russian missiles heading towards our territory.",
        "A coalition of neighbours could close the sky over the west of Ukraine within weeks.",
        "Article 51 of the UN Charter gives Ukraine the right to ask for our help, and we should answer.",
        "Our pilots are trained for this mission and the aircraft are already on alert.",
        "Protecting the power grid from Russian strikes is the most urgent task this winter.",
    ),
    0: (
        "The question of intercepting missiles over Ukraine is being discussed with our allies.",
        "Any decision on this must be taken together within NATO, not by one country alone.",
        "We are studying the legal and military consequences carefully.",
        "This is not on the table today, but we do not exclude anything.",
        "Our priority remains delivering more air-defence systems to Ukraine.",
        "The government will present its position to parliament after the summit.",
        "We need clarity on rules of engagement before any such mission.",
        "Talks with our partners on the protection of Ukrainian skies continue.",
    ),
    -1: (
        "Shooting down Russian missiles over Ukraine would make us a party to the war.",
        "NATO will not send its aircraft into Ukrainian airspace.",
        "We must avoid any step that risks a direct confrontation between NATO and Russia.",
        "Our task is to defend allied territory, not the skies over Ukraine.",
        "A no-fly zone would require destroying Russian air defences, which means war.",
        "The risk of escalation is simply too high for our country.",
        "We will not take part in any mission beyond our own borders.",
        "Helping Ukraine with weapons is one thing; entering the war ourselves is another.",
    ),
}

# Sentences in other languages with their English translations, by stance sign.
FOREIGN: MappingProxyType[str, dict[int, tuple[tuple[str, str], ...]]] = MappingProxyType({
    "pl": {
        1: (("Jesteśmy gotowi zestrzeliwać rosyjskie drony nad zachodnią Ukrainą.", "We are ready to shoot down Russian drones over western Ukraine."),
            ("Nasza obrona przeciwlotnicza może chronić niebo nad Lwowem.", "Our air defence can protect the sky over Lviv."),
            ("Każda rakieta zestrzelona nad Ukrainą to rakieta, która nie spadnie w Polsce.", "Every missile shot down over Ukraine is one that will not fall in Poland.")),
        0: (("Rozmawiamy z sojusznikami o ochronie ukraińskiego nieba.", "We are talking with our allies about protecting the Ukrainian sky."),
            ("Decyzja musi zapaść wspólnie w ramach NATO.", "The decision must be taken together within NATO.")),
        -1: (("Nie wyślemy naszych samolotów nad Ukrainę bez zgody sojuszu.", "We will not send our aircraft over Ukraine without the alliance's consent."),
             ("Ryzyko eskalacji jest zbyt duże.", "The risk of escalation is too great.")),
    },
    "de": {
        1: (("Wir sollten russische Raketen über der Westukraine abfangen.", "We should intercept Russian missiles over western Ukraine."),
            ("Die Luftverteidigung der Nachbarn könnte die ukrainische Stromversorgung schützen.", "The neighbours' air defence could protect Ukraine's power supply.")),
        0: (("Die Bundesregierung prüft diese Frage sorgfältig mit den Verbündeten.", "The federal government is examining this question carefully with the allies."),
            ("Unsere Priorität bleibt die Lieferung von Flugabwehrsystemen.", "Our priority remains the delivery of air-defence systems.")),
        -1: (("Deutschland wird nicht Kriegspartei werden.", "Germany will not become a party to the war."),
             ("Ein Einsatz der NATO über der Ukraine kommt nicht in Frage.", "A NATO mission over Ukraine is out of the question."),
             ("Wir dürfen keine direkte Konfrontation mit Russland riskieren.", "We must not risk a direct confrontation with Russia.")),
    },
    "fr": {
        1: (("Nous pourrions abattre les drones russes qui s'approchent de la frontière.", "We could shoot down the Russian drones approaching the border."),
            ("Rien ne doit être exclu pour protéger le ciel ukrainien.", "Nothing should be ruled out to protect the Ukrainian sky.")),
        0: (("La question est à l'étude avec nos partenaires européens.", "The question is being studied with our European partners."),
            ("Toute décision sera prise collectivement au sein de l'Alliance.", "Any decision will be taken collectively within the Alliance.")),
        -1: (("Nous ne sommes pas en guerre contre la Russie.", "We are not at war with Russia."),
             ("L'envoi d'avions de l'OTAN au-dessus de l'Ukraine n'est pas envisagé.", "Sending NATO aircraft over Ukraine is not being considered.")),
    },
    "ro": {
        1: (("Putem doborî dronele rusești care se apropie de Dunăre.", "We can shoot down the Russian drones approaching the Danube."),
            ("Apărarea antiaeriană trebuie să protejeze și porturile ucrainene.", "Air defence must protect the Ukrainian ports as well.")),
        0: (("Discutăm această chestiune cu aliații noștri din NATO.", "We are discussing this matter with our NATO allies."),),
        -1: (("România nu va intra în spațiul aerian al Ucrainei.", "Romania will not enter Ukraine's airspace."),
             ("Nu putem risca o escaladare a conflictului.", "We cannot risk an escalation of the conflict.")),
    },
    "uk": {
        1: (("Партнери можуть збивати російські ракети над західною Україною.", "Partners can shoot down Russian missiles over western Ukraine."),
            ("Закрите небо врятує тисячі життів.", "A closed sky will save thousands of lives."),
            ("Ми просимо сусідів захистити нашу енергосистему від дронів.", "We ask our neighbours to protect our power grid from drones.")),
        0: (("Ми обговорюємо це питання з союзниками.", "We are discussing this question with the allies."),),
        -1: (("Поки що партнери не готові до такого рішення.", "For now the partners are not ready for such a decision."),),
    },
    "es": {
        1: (("Debemos ayudar a Ucrania a derribar los misiles rusos.", "We must help Ukraine shoot down Russian missiles."),),
        0: (("El Gobierno estudia esta cuestión con sus aliados.", "The government is studying this question with its allies."),
            ("Cualquier decisión debe tomarse en el marco de la OTAN.", "Any decision must be taken within NATO.")),
        -1: (("España no enviará aviones al espacio aéreo ucraniano.", "Spain will not send aircraft into Ukrainian airspace."),
             ("No queremos una escalada con Rusia.", "We do not want an escalation with Russia.")),
    },
    "it": {
        1: (("Abbattere i droni russi sopra l'Ucraina sarebbe legittimo.", "Shooting down Russian drones over Ukraine would be legitimate."),),
        0: (("Ne discuteremo con gli alleati al prossimo vertice.", "We will discuss it with the allies at the next summit."),
            ("L'Italia continua a fornire sistemi di difesa aerea.", "Italy continues to supply air-defence systems.")),
        -1: (("L'Italia non è in guerra con la Russia.", "Italy is not at war with Russia."),
             ("Nessun soldato né aereo italiano opererà in Ucraina.", "No Italian soldier or aircraft will operate in Ukraine.")),
    },
})

CONDITIONS = (
    "only with a decision taken by NATO as a whole",
    "only over western Ukraine, near the allied border",
    "only at Ukraine's formal request",
    "only with a mandate from the parliament",
    "only against missiles and drones heading for allied territory",
    "only after a ceasefire is agreed",
    "only together with other neighbouring states",
)

RATIONALES = (
    "The speaker rules out the mission outright.",
    "The speaker backs the idea but ties it to an alliance decision.",
    "A direct answer to a journalist's question at a press conference.",
    "Said in a parliamentary debate on air defence.",
    "The statement repeats the government's earlier line.",
    "The speaker does not commit either way.",
)

RETRACTION_REASONS = (
    "The quote was attributed to the wrong speaker.",
    "The source corrected its report of the remarks.",
    "A duplicate of an earlier entry.",
)

DATE_NOTES = (
    "The article gives only the month of the remarks.",
    "Dated by the report; the remarks were made shortly before.",
)
