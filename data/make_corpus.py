#!/usr/bin/env python3
"""Generate ``data/cours_fr.csv``, a synthetic catalogue of French training courses.

Everything in this file is hand-written: the themes, the subjects, the title
patterns and the description fragments.  Nothing is scraped.  The generator only
uses the standard library and a single ``random.Random(SEED)`` instance, so

    python data/make_corpus.py

always rewrites exactly the same CSV file.  ``--report`` additionally prints the
ids of the deliberately messy rows and of the near-duplicates (see README.md).

Template mini-language (used in titles and descriptions)
--------------------------------------------------------
``{S}``           subject with its article      -> "le langage Python"
``{T}``           subject without article        -> "langage Python"
``{a_X}``         "à" + X with contraction       -> "au langage Python"
``{de_X}``        "de" + X with contraction      -> "du langage Python", "d'Excel"
``{jusqua_X}``    "jusqu'à" + X                  -> "jusqu'aux tests unitaires"
``{X_cap}``       X with a capital first letter
``{notion}``, ``{notion2}``, ``{outil}``, ``{outil2}``, ``{public}``,
``{metier}``, ``{competence}``, ``{cas}``, ``{projet}``, ``{cecrl}`` ... pick a
value in the theme's (or the shared) list; a trailing digit asks for another,
distinct value.
A pattern may start with level tags: ``"D|..."`` (débutant), ``"I|..."``
(intermédiaire), ``"A|..."`` (avancé), ``"T|..."`` (tous niveaux), possibly
combined (``"DT|..."``).  Untagged patterns fit every level.  The extra tag
``"L"`` marks descriptions of long qualifying programmes (105 hours or more).

Pipeline: base rows per theme (titles unique) -> typography (apostrophe style,
non-breaking spaces) -> 15 messy rows -> 40 near-duplicates -> shuffle -> ids.
"""

import csv
import random
import re
import sys
from pathlib import Path

SEED = 20261123
OUT = Path(__file__).resolve().parent / "cours_fr.csv"
COLUMNS = ["id", "title", "description", "theme", "level", "duration_hours", "provider", "format", "date"]

# Who offers a course, how and when: drawn after everything else, from their own generator, so the
# texts above are the same whatever is added here. Each provider leans to some themes (real catalogues
# do), and some themes grow over the years (so the guided-analysis notebook has something to find).
EXTRA_SEED = 20261202
PROVIDERS = {
    "Campus Numérique": ["programmation", "data-ia", "bureautique", "marketing-digital", "design-graphique"],
    "Institut Cap Métiers": [
        "metiers-du-batiment",
        "logistique-transport",
        "securite-prevention",
        "hotellerie-restauration",
    ],
    "Académie Entreprise": ["management-leadership", "ressources-humaines", "comptabilite-finance", "droit"],
    "Formasanté": ["sante-soins", "securite-prevention"],
    "École des Langues et Savoirs": ["langues-etrangeres", "enseignement-pedagogie", "developpement-durable"],
}
FORMATS = ["présentiel", "distanciel", "hybride"]
GROWING = {"data-ia": 3.0, "developpement-durable": 4.0, "marketing-digital": 1.5}  # weight of 2025 against 2021
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

LEVELS = ["débutant", "intermédiaire", "avancé", "tous niveaux"]
LEVEL_TAG = {"débutant": "D", "intermédiaire": "I", "avancé": "A", "tous niveaux": "T"}
LEVEL_WEIGHTS = [34, 30, 18, 18]

N_NEAR_DUPLICATES = 40
TYPOGRAPHIC_APOSTROPHE_SHARE = 0.42

# ---------------------------------------------------------------------------
# Shared fragments (used by every theme)
# ---------------------------------------------------------------------------

GENERIC_TITLES = [
    "D|Initiation {a_S}",
    "D|{T_cap} : les bases",
    "D|Découvrir {S}",
    "D|Bien démarrer avec {S}",
    "D|{T_cap} pour débuter",
    "I|Perfectionnement en {T}",
    "I|{T_cap} : aller plus loin",
    "IA|Maîtriser {S}",
    "A|{T_cap} : niveau avancé",
    "A|Approfondir {S}",
    "A|{T_cap} : expertise et cas complexes",
    "{T_cap} en pratique",
    "Atelier pratique : {T}",
    "Les fondamentaux {de_S}",
    "{T_cap} – module {k}",
    "{T_cap} (niveau {k})",
    "Comprendre {S}",
    "Parcours « {T_cap} »",
    "T|{T_cap} : remise à niveau",
    "T|Tout savoir sur {S}",
]

GENERIC_EXTRAS = [
    "D|Aucun prérequis n'est demandé.",
    "D|Aucune connaissance préalable n'est nécessaire.",
    "D|Idéal pour se lancer en toute confiance.",
    "D|Le rythme est adapté aux grands débutants.",
    "D|Les notions sont introduites progressivement, sans jargon.",
    "I|Il est conseillé d'avoir suivi le module d'initiation ou d'avoir une pratique équivalente.",
    "I|Des connaissances de base sont attendues.",
    "IA|Un test de positionnement permet de vérifier les prérequis.",
    "A|Prérequis : une expérience significative dans le domaine.",
    "A|Réservé aux personnes ayant déjà une solide pratique.",
    "A|Les cas étudiés sont volontairement exigeants.",
    "A|Prérequis : avoir suivi le niveau intermédiaire ou justifier d'un niveau équivalent.",
    "T|Le contenu s'adapte au niveau de chaque participant·e.",
    "T|Accessible à tous, quel que soit votre niveau de départ.",
    "T|Les apprenants débutants comme confirmés y trouveront leur compte.",
    "La formation se déroule en présentiel ou à distance.",
    "Les sessions ont lieu en classe virtuelle, par groupes de huit personnes maximum.",
    "Une attestation de fin de formation est remise à chaque participant.",
    "Formation éligible au CPF.",
    "Accessible aux personnes en situation de handicap : contactez notre référente.",
    "Évaluation des acquis par QCM en fin de parcours.",
    "Alternance d'apports théoriques et de mises en situation.",
    "Un support de cours est remis aux stagiaires.",
    "Inscriptions ouvertes toute l'année.",
    "Pourquoi attendre ? Inscrivez-vous dès maintenant !",
    "Places limitées : pensez à réserver rapidement.",
    "Le dernier jour est consacré à un projet de synthèse.",
    "Session proposée en inter ou en intra-entreprise.",
    "Formation disponible en « blended learning » (e-learning et présentiel).",
    "Tarif dégressif pour les inscriptions multiples.",
    "Chaque apprenant conserve l'accès à la plateforme pendant trois mois.",
    "Les apprenant·e·s sont évalué·e·s en continu.",
    "Le formateur ou la formatrice reste joignable après la session.",
    "Cette formation fait partie d'un cycle de trois formations complémentaires.",
    "L'apprenant est acteur de sa formation du début à la fin.",
    "Nos formations sont certifiées Qualiopi.",
    "Quiz de validation des acquis en fin de session.",
]

SHARED_POOLS = {
    "annee": ["2025", "2026"],
    "cecrl": ["A2", "B1", "B2"],
}

# ---------------------------------------------------------------------------
# Themes.  Each theme: size "n", durations "hours", audiences "publics", jobs
# "metiers", tools "outils", notions, skills "competences", title patterns,
# main description patterns ("main") and follow-up sentences ("second").
# Subjects are listed either in "subjects" or in "groups": a group is a
# sub-topic whose own pools (notions, outils, competences, metiers, publics...)
# replace the theme-level ones, so that a plumbing course talks about pipes and
# not about mortar.  A subject may be a plain string or a dict with "s" (with
# article), optional "t" (title form), "x" (extra sentence specific to that
# subject) and "h" (possible durations in hours).
# ---------------------------------------------------------------------------

THEMES = {}

THEMES["programmation"] = {
    "n": 178,
    "hours": [7, 14, 14, 21, 21, 28, 35, 35, 70, 105, 140, 400],
    "groups": [
        {  # web development
            "subjects": [
                "JavaScript",
                "TypeScript",
                "le framework Django",
                "Flask",
                "React",
                "Vue.js",
                "Angular",
                "Node.js",
                "PHP et Symfony",
                "Laravel",
                "le développement web",
                "HTML et CSS",
                "les API REST",
                "GraphQL",
                "WordPress",
                "l'accessibilité web",
                "la sécurité des applications web",
            ],
            "notions": [
                "le routage",
                "les requêtes HTTP",
                "la sérialisation JSON",
                "les composants",
                "la gestion d'état",
                "le DOM",
                "l'authentification",
                "les formulaires",
                "le responsive design",
                "les promesses et async/await",
                "les failles OWASP",
            ],
            "competences": [
                "concevoir une API simple",
                "créer un site responsive",
                "déployer une application web",
                "sécuriser un formulaire de connexion",
                "consommer une API depuis le navigateur",
                "rendre votre code lisible et maintenable",
            ],
            "cas": [
                "créer un site vitrine",
                "développer une API",
                "réaliser un petit blog",
                "construire un tableau de bord web",
            ],
        },
        {  # languages and fundamentals
            "subjects": [
                "le langage Python",
                "Python",
                "le langage C",
                "C++ moderne",
                "Java",
                "Rust",
                "Go",
                "Kotlin",
                "Swift",
                "C#",
                "Unity et C#",
                "Scratch",
                "la programmation orientée objet",
                "l'algorithmique",
                "les structures de données",
                "la programmation fonctionnelle",
                "les expressions régulières",
                "la programmation asynchrone",
                "le développement mobile",
                "Flutter",
            ],
            "notions": [
                "les variables et les boucles",
                "les fonctions",
                "les classes et l'héritage",
                "la récursivité",
                "la complexité algorithmique",
                "la gestion de la mémoire",
                "le typage statique",
                "les closures",
                "les modules et paquets",
                "la gestion des erreurs",
                "les listes et dictionnaires",
                "les entrées-sorties fichiers",
            ],
            "competences": [
                "écrire un programme structuré",
                "choisir la bonne structure de données",
                "automatiser des tâches répétitives",
                "diagnostiquer un bug rapidement",
                "lire le code d'un·e collègue",
                "concevoir une petite application mobile",
            ],
            "cas": [
                "automatiser des tâches répétitives",
                "traiter des fichiers CSV",
                "réaliser un petit jeu",
                "concevoir une application mobile",
            ],
        },
        {  # practices and tooling
            "subjects": [
                "Git et GitHub",
                "les tests unitaires",
                "Docker",
                "l'intégration continue",
                {"s": "le « clean code »", "t": "clean code"},
                "les design patterns",
                "le débogage",
                "le shell Bash",
                "les microservices",
                "l'architecture logicielle",
                "le refactoring",
                "le développement piloté par les tests",
            ],
            "notions": [
                "les tests automatisés",
                "la couverture de tests",
                "le versionnage du code",
                "les branches et les merge requests",
                "l'injection de dépendances",
                "les conteneurs",
                "les pipelines de déploiement",
                "la revue de code",
                "la dette technique",
                "le découpage en modules",
            ],
            "competences": [
                "écrire des tests automatisés fiables",
                "relire et corriger le code d'un·e collègue",
                "utiliser un gestionnaire de versions au quotidien",
                "mettre en place une chaîne d'intégration continue",
                "travailler en équipe sur une base de code commune",
                "réduire la dette technique d'un projet",
            ],
            "cas": [
                "industrialiser un projet d'équipe",
                "fiabiliser une application existante",
                "conteneuriser une application",
            ],
        },
    ],
    "publics": [
        "les développeur·euse·s juniors",
        "les développeurs débutants",
        "les étudiant.e.s en informatique",
        "les développeurs et développeuses",
        "toute personne curieuse de coder",
        "les technicien·ne·s informatiques",
        "les chef·fe·s de projet techniques",
        "les intégrateurs/intégratrices web",
        "les personnes en reconversion",
        "les apprenant·e·s du bootcamp",
        "les ingénieurs logiciels",
        "les lycéens et lycéennes",
        "les développeurs back-end",
        "les développeur(se)s front-end",
    ],
    "metiers": [
        "développeur / développeuse web",
        "développeur·euse full stack",
        "intégrateur / intégratrice web",
        "concepteur·rice développeur·se d'applications",
        "technicien(ne) développeur",
        "développeur(se) mobile",
    ],
    "outils": [
        "VS Code",
        "PyCharm",
        "Git",
        "GitHub Actions",
        "Docker",
        "pytest",
        "Jest",
        "Postman",
        "npm",
        "IntelliJ IDEA",
        "GitLab CI",
        "le terminal",
        "Vim",
        "les outils de développement de Chrome",
    ],
    "titles": [
        "DT|Devenir {metier}",
        "DT|Titre professionnel {metier_cap}",
        "Bootcamp {T}",
        "{T_cap} pour {public}",
        "Coder proprement avec {S}",
        "Projet pratique : {T}",
        "Développer avec {S}",
        "DT|{T_cap} : de zéro à la mise en production",
        "A|{T_cap} pour développeurs confirmés",
        "I|{T_cap} : bonnes pratiques et outillage",
    ],
    "main": [
        "D|Vous n'avez jamais écrit une ligne de code ? Cette formation vous fait découvrir {S} pas à pas, {de_notion} jusqu'à votre premier programme.",
        "Apprenez à écrire du code propre et maintenable avec {S}, en travaillant {notion} et {notion2}.",
        "A|Ce module approfondit {S} : {notion}, {notion2} et industrialisation, illustrés par des cas réels issus de projets en production.",
        "Destinée {a_public}, cette formation couvre {S} de façon concrète, avec des exercices corrigés dans {outil}.",
        "En {duree_txt}, vous construirez un projet complet en vous appuyant sur {S} et sur {outil}.",
        "Objectif : comprendre {S} et savoir l'utiliser au quotidien pour {cas}.",
        "I|Vous connaissez déjà les bases ? Passez au niveau supérieur sur {S} grâce à des ateliers centrés sur {notion}.",
        "Au programme : {notion}, {notion2}, puis un mini-projet pour mettre en pratique {S}.",
        "Cette session aborde {S} sous l'angle du travail en équipe : revue de code, {notion} et usage {de_outil}.",
        "DT|Initiation ludique {a_S} pour {public} : on code dès la première heure, sans jargon inutile.",
        "L|Ce parcours intensif vous prépare au métier {de_metier} : {S}, {notion}, projets en équipe et stage en entreprise.",
    ],
    "second": [
        "Vous utiliserez {outil3} et {outil4} tout au long du parcours.",
        "À l'issue de la formation, vous saurez {competence2}.",
        "Les exercices portent notamment sur {notion3}.",
        "Un projet fil rouge vous permettra {de_competence2}.",
        "Les participant·e·s travaillent en binôme sur des exercices de difficulté croissante.",
        "Formation recommandée pour {public}.",
        "Le formateur est un développeur en activité.",
        "La formatrice, développeuse en activité, partage ses retours de terrain.",
        "Prévoir un ordinateur portable avec {outil3} installé.",
    ],
}

THEMES["data-ia"] = {
    "n": 150,
    "hours": [7, 14, 14, 21, 21, 28, 35, 35, 70, 140],
    "groups": [
        {  # analysis, BI, statistics, data engineering
            "subjects": [
                "l'analyse de données",
                "pandas",
                "le langage SQL",
                "Power BI",
                "Tableau",
                "la data visualisation",
                "les statistiques descriptives",
                "les statistiques inférentielles",
                "le big data avec Spark",
                "l'ingénierie des données",
                "les pipelines ETL",
                "la gouvernance des données",
                "la qualité des données",
                "le langage R",
                "les bases de données NoSQL",
                "les tableaux de bord décisionnels",
                "Looker Studio",
                "les entrepôts de données",
                "dbt et l'analytics engineering",
                "l'A/B testing",
                "la culture data pour managers",
                "Python pour l'analyse de données",
            ],
            "outils": [
                "SQL",
                "Power BI",
                "Tableau",
                "Excel",
                "Looker Studio",
                "R et RStudio",
                "pandas",
                "BigQuery",
                "dbt",
                "Snowflake",
                "Airflow",
                "Spark",
                "Jupyter",
            ],
            "notions": [
                "la préparation des données",
                "le nettoyage des jeux de données",
                "les jointures SQL",
                "la modélisation en étoile",
                "la visualisation interactive",
                "les tests statistiques",
                "l'échantillonnage",
                "la gestion des valeurs manquantes",
                "les mesures DAX",
                "les indicateurs clés de performance",
                "la traçabilité des données",
            ],
            "competences": [
                "construire un tableau de bord pertinent",
                "interroger une base de données avec SQL",
                "nettoyer un jeu de données réel",
                "présenter des résultats à des non-spécialistes",
                "automatiser un pipeline de données",
                "choisir le bon graphique pour chaque message",
                "interpréter un test statistique",
            ],
            "cas": [
                "suivre des indicateurs RH",
                "piloter l'activité commerciale",
                "analyser des avis clients",
                "optimiser des stocks",
                "mesurer l'impact d'une campagne",
            ],
        },
        {  # machine learning and AI
            "subjects": [
                "la data science",
                "le machine learning",
                "le deep learning avec PyTorch",
                "le traitement automatique du langage",
                "l'IA générative",
                "les grands modèles de langage",
                "le prompt engineering",
                "la vision par ordinateur",
                "les séries temporelles",
                "le MLOps",
                "scikit-learn",
                "les réseaux de neurones",
                "l'éthique de l'intelligence artificielle",
                {
                    "s": "l'AI Act et la conformité des systèmes d'IA",
                    "t": "AI Act et conformité",
                    "x": "Le règlement européen sur l'IA est présenté article par article, avec son calendrier d'application.",
                },
                "la modélisation prédictive",
                "le clustering et la segmentation",
                "l'apprentissage par renforcement",
                "les systèmes de recommandation",
                "l'IA au service des métiers",
                "les embeddings et la recherche sémantique",
            ],
            "outils": [
                "Python",
                "scikit-learn",
                "PyTorch",
                "TensorFlow",
                "Jupyter",
                "Hugging Face",
                "MLflow",
                "pandas",
                "Spark",
            ],
            "notions": [
                "la régression linéaire",
                "les arbres de décision",
                "la validation croisée",
                "le surapprentissage",
                "les métriques d'évaluation",
                "la réduction de dimension",
                "la détection d'anomalies",
                "le feature engineering",
                "la tokenisation",
                "le fine-tuning",
                "les biais algorithmiques",
                "l'explicabilité des modèles",
            ],
            "competences": [
                "entraîner et évaluer un modèle de classification",
                "déployer un modèle en production",
                "choisir le bon algorithme selon le problème",
                "rédiger des prompts efficaces",
                "évaluer les risques d'un projet d'IA",
                "expliquer les décisions d'un modèle",
            ],
            "cas": [
                "prévoir les ventes",
                "segmenter une clientèle",
                "détecter des fraudes",
                "classer des documents",
                "analyser des avis clients",
                "prévoir des pannes",
            ],
        },
    ],
    "publics": [
        "les data analysts",
        "les analystes et contrôleur·euse·s de gestion",
        "les ingénieur·e·s",
        "les chargé·e·s d'études",
        "les étudiant.e.s en master",
        "les développeurs et développeuses",
        "les managers",
        "les décideurs/décideuses",
        "les chercheurs et chercheuses",
        "toute personne manipulant des données",
        "les data scientists confirmés",
        "les statisticien·ne·s",
    ],
    "metiers": [
        "data analyst",
        "data scientist",
        "ingénieur·e data",
        "analyste de données",
        "consultant(e) en intelligence artificielle",
        "chef / cheffe de projet data",
    ],
    "titles": [
        "DT|Devenir {metier}",
        "{T_cap} pour {public}",
        "{T_cap} avec {outil}",
        "{T_cap} : applications métier",
        "IA et données : {T}",
        "A|{T_cap} : industrialisation et mise en production",
        "DT|{T_cap} sans coder",
        "I|{T_cap} : études de cas",
    ],
    "main": [
        "Transformez vos données en décisions : ce parcours couvre {S}, {de_notion} jusqu'à la restitution des résultats.",
        "D|Vous débutez en data ? Cette initiation {a_S} s'appuie sur des jeux de données réels et sur {outil}.",
        "A|Formation experte consacrée {a_S} : {notion}, {notion2} et mise en production, avec une étude de cas pour {cas}.",
        "Comment {cas} grâce {a_S} ? Ce stage répond à la question à partir d'exemples concrets traités avec {outil}.",
        "Ce module présente {S} et ses applications métier, notamment pour {cas}.",
        "Au cours de cette formation, vous manipulerez {outil} pour explorer {notion} et {notion2}.",
        "I|Vous pratiquez déjà {outil} ? Approfondissez {S} et gagnez en autonomie sur {notion}.",
        "Pensée pour {public}, cette session démystifie {S} sans formalisme mathématique excessif.",
        "Objectif de la formation : savoir {competence} en s'appuyant sur {S}.",
        "Un programme intensif sur {S}, où chaque notion théorique est immédiatement appliquée sur un cas réel.",
        "L|Reconversion vers le métier {de_metier} : {S}, {notion}, projets sur données réelles et accompagnement vers l'emploi.",
    ],
    "second": [
        "À la fin du stage, vous serez capable {de_competence2}.",
        "Les travaux pratiques sont réalisés avec {outil3} et {outil4}.",
        "Une attention particulière est portée {a_notion3}.",
        "Les exemples sont tirés de secteurs variés : santé, distribution, énergie.",
        "Le projet final consiste à {cas2}.",
        "Public visé : {public}.",
        "DI|Des rappels de statistiques sont proposés en début de session.",
        "A|Une bonne maîtrise de Python et des statistiques est requise.",
        "Les jeux de données utilisés sont anonymisés et conformes au RGPD.",
    ],
}

THEMES["comptabilite-finance"] = {
    "n": 130,
    "hours": [7, 7, 14, 14, 21, 21, 35, 70, 105],
    "groups": [
        {  # bookkeeping, closing, tax
            "subjects": [
                "la comptabilité générale",
                "le bilan comptable",
                "le compte de résultat",
                {"s": "la TVA", "x": "Les règles de territorialité et l'autoliquidation sont traitées en détail."},
                "la clôture des comptes",
                "le plan comptable général",
                "la fiscalité des entreprises",
                "l'impôt sur les sociétés",
                "la consolidation des comptes",
                "les normes IFRS",
                "les immobilisations et amortissements",
                "le rapprochement bancaire",
                {
                    "s": "la facturation électronique",
                    "x": "Le calendrier de généralisation de la facture électronique est détaillé.",
                },
                "la gestion des notes de frais",
                "les écritures d'inventaire",
                "la liasse fiscale",
                "la comptabilité des associations",
                "la comptabilité sur Sage",
                "Excel pour les comptables",
                "les provisions",
                "l'audit comptable",
                "la saisie comptable",
                "la lecture des états financiers",
            ],
            "notions": [
                "le principe de la partie double",
                "les comptes de tiers",
                "la TVA collectée et déductible",
                "les charges constatées d'avance",
                "les amortissements dégressifs",
                "le lettrage des comptes",
                "les déclarations CA3",
                "l'autoliquidation",
                "le cut-off",
                "les retraitements de consolidation",
                "les pièces justificatives",
                "les écritures de régularisation",
            ],
            "competences": [
                "passer les écritures courantes",
                "établir une déclaration de TVA",
                "lire un bilan et un compte de résultat",
                "préparer la clôture annuelle",
                "dialoguer avec l'expert-comptable",
                "justifier les comptes du bilan",
                "préparer la liasse fiscale",
            ],
        },
        {  # management accounting and corporate finance
            "subjects": [
                "l'analyse financière",
                "le contrôle de gestion",
                "la trésorerie",
                "le budget prévisionnel",
                "le recouvrement des créances",
                "le tableau de flux de trésorerie",
                "la gestion financière pour non-financiers",
                "les tableaux de bord financiers",
                "l'évaluation d'entreprise",
                "le financement des PME",
                "la comptabilité analytique",
                "le calcul des coûts de revient",
            ],
            "notions": [
                "le seuil de rentabilité",
                "le besoin en fonds de roulement",
                "les soldes intermédiaires de gestion",
                "la capacité d'autofinancement",
                "les ratios financiers",
                "la marge brute",
                "les écarts budgétaires",
                "les prévisions de trésorerie",
                "les coûts complets",
                "les délais de paiement",
            ],
            "competences": [
                "construire un budget prévisionnel",
                "analyser la rentabilité d'une activité",
                "piloter la trésorerie à court terme",
                "calculer un coût de revient",
                "présenter un dossier de financement à un banquier",
                "construire un tableau de bord financier",
                "relancer efficacement les clients en retard de paiement",
            ],
        },
    ],
    "publics": [
        "les assistant·e·s comptables",
        "les comptables",
        "les dirigeant·e·s de TPE",
        "les créateurs et créatrices d'entreprise",
        "les non-financiers",
        "les collaborateurs/collaboratrices de cabinet",
        "les trésoriers et trésorières d'association",
        "les contrôleurs de gestion",
        "les responsables administratifs et financiers",
        "les chef·fe·s d'entreprise",
        "les étudiants en BTS CG",
    ],
    "metiers": [
        "assistant / assistante comptable",
        "comptable",
        "gestionnaire comptable et fiscal(e)",
        "contrôleur / contrôleuse de gestion",
        "trésorier(ère)",
        "responsable administratif·ve et financier·ère",
    ],
    "outils": [
        "Sage 100",
        "Cegid",
        "Excel",
        "Quadratus",
        "EBP",
        "Pennylane",
        "Excel 365",
        "SAP FI",
    ],
    "titles": [
        "DT|Devenir {metier}",
        "{T_cap} pour {public}",
        "{T_cap} : maîtriser les fondamentaux",
        "Actualité {de_S}",
        "{T_cap} sur {outil}",
        "I|{T_cap} : cas pratiques",
        "A|{T_cap} : points de vigilance et contrôles",
        "DT|{T_cap} sans être comptable",
    ],
    "main": [
        "D|Cette formation pose les bases {de_S} : vocabulaire, logique des comptes et {notion}, le tout illustré par des exemples simples.",
        "Sachez enfin {competence} ! Ce stage pratique aborde {S} à partir de pièces comptables réelles.",
        "A|Perfectionnement technique sur {S} : {notion}, {notion2} et points de vigilance lors des contrôles.",
        "Pensée pour {public}, la session explique {S} sans jargon et propose des exercices corrigés sur {outil}.",
        "Comprendre {S} est indispensable pour {competence}. Ce module vous en donne les clés.",
        "Au programme : {notion}, {notion2} et mise en application sur un dossier complet.",
        "I|Vous maîtrisez la saisie courante ? Approfondissez {S} et sécurisez {notion}.",
        "De la théorie à la pratique, ce module sur {S} tient compte des dernières évolutions réglementaires, loi de finances comprise.",
        "DT|Atelier concret : comment {competence} lorsqu'on n'est pas comptable de métier ?",
        "En {duree_txt}, faites le point sur {S} et repartez avec des méthodes de travail éprouvées.",
        "L|Parcours certifiant pour devenir {metier} : {S}, {notion}, logiciels professionnels et période en entreprise.",
    ],
    "second": [
        "Les exercices sont réalisés sur {outil3}.",
        "À l'issue du stage, vous saurez {competence2}.",
        "Un point est fait sur {notion3}.",
        "Le formateur, expert-comptable, partage de nombreux cas issus de PME.",
        "La formatrice, expert-comptable, s'appuie sur des dossiers issus de PME.",
        "IA|Prérequis : connaître les principes de base de la comptabilité.",
        "Supports et modèles de tableaux Excel fournis.",
        "Public : {public}.",
    ],
}

THEMES["langues-etrangeres"] = {
    "n": 140,
    "hours": [10, 15, 20, 20, 30, 30, 40, 40, 60, 100],
    "subjects": [
        "l'anglais professionnel",
        "l'anglais des affaires",
        "l'anglais",
        "l'espagnol",
        "l'allemand",
        "l'italien",
        "le portugais",
        "le chinois mandarin",
        "le japonais",
        "l'arabe",
        "le russe",
        "le néerlandais",
        "le coréen",
        "le polonais",
        {"s": "la langue des signes française (LSF)", "t": "langue des signes française (LSF)"},
        {"s": "le français langue étrangère (FLE)", "t": "français langue étrangère (FLE)"},
        "l'anglais technique",
        "l'anglais médical",
        "l'espagnol commercial",
        "l'allemand pour l'industrie",
        "l'anglais juridique",
        "l'anglais oral",
        "l'anglais pour l'hôtellerie",
        "l'italien pour voyager",
        "l'anglais écrit",
        {
            "s": "l'anglais (préparation TOEIC)",
            "t": "anglais – préparation au TOEIC",
            "x": "Un examen blanc TOEIC est organisé à mi-parcours.",
            "h": [20, 30, 40],
        },
    ],
    "publics": [
        "les salariés en contact avec l'international",
        "les commerciaux et commerciales export",
        "les assistant(e)s de direction",
        "les étudiants et étudiantes",
        "les demandeur·euse·s d'emploi",
        "les professionnel·le·s du tourisme",
        "les soignant·e·s",
        "les apprenant·e·s de niveau A2",
        "les voyageurs",
        "les cadres",
        "les personnes expatriées",
        "les agent·e·s d'accueil",
    ],
    "metiers": [
        "assistant·e trilingue",
        "traducteur / traductrice",
        "interprète",
        "agent(e) d'accueil bilingue",
    ],
    "outils": [
        "des podcasts authentiques",
        "la plateforme d'e-learning",
        "des jeux de rôle",
        "des vidéos sous-titrées",
        "un carnet de vocabulaire",
        "des simulations d'appels téléphoniques",
        "des articles de presse",
        "des séries en version originale",
    ],
    "notions": [
        "la prononciation",
        "les temps du passé",
        "le vocabulaire professionnel",
        "la compréhension orale",
        "l'expression écrite",
        "les faux amis",
        "les formules de politesse",
        "la négociation",
        "les verbes irréguliers",
        "les prépositions",
        "la conjugaison",
        "les expressions idiomatiques",
        "l'accent tonique",
        "les nombres et les dates",
        "les différences culturelles",
        "la préparation aux certifications (TOEIC, Linguaskill, DELF)",
    ],
    "competences": [
        "présenter une entreprise et son activité",
        "mener une conversation téléphonique",
        "rédiger un e-mail professionnel",
        "animer une réunion",
        "comprendre un interlocuteur natif",
        "négocier un contrat",
        "voyager en autonomie",
        "atteindre le niveau B2 du CECRL",
        "faire une présentation orale structurée",
        "accueillir une clientèle étrangère",
    ],
    "titles": [
        "{T_cap} – niveau {cecrl}",
        "Cours intensif {de_T}",
        "{T_cap} en visioconférence",
        "I|{T_cap} : remise à niveau grammaticale",
        "{T_cap} pour {public}",
        "{T_cap} – cours particuliers",
        "Immersion : {T}",
        "IA|{T_cap} : prise de parole et réunions",
        "I|{T_cap} : rédiger ses e-mails",
        "D|{T_cap} – grands débutants (A1)",
        "A|{T_cap} – niveau C1",
    ],
    "main": [
        "D|Vous partez de zéro ? Ce cours de niveau A1 aborde {S} à travers des situations simples : se présenter, {notion}, demander son chemin.",
        "Séances interactives consacrées {a_S}, avec un travail spécifique sur {notion} et {notion2}.",
        "I|Pour les apprenants de niveau {cecrl}, ce module d'{T} vise à {competence} avec davantage d'aisance.",
        "A|Entraînement intensif {a_S} pour les personnes de niveau C1 : nuances, registre soutenu et {notion}.",
        "Gagnez en confiance à l'oral ! Ce parcours d'{T} privilégie {outil} et la pratique en petits groupes.",
        "Ce stage vous aidera à {competence} en {T}, grâce à des mises en situation tirées de votre quotidien professionnel.",
        "Cours en groupe de six personnes maximum, animé par un·e formateur·rice natif·ve : {T}, {notion} et jeux de rôle.",
        "Objectif : {competence}. La formation alterne compréhension orale, expression écrite et {notion}.",
        "Pensé pour {public}, ce parcours aborde {S} en lien direct avec les situations rencontrées au travail.",
        "Progressez en {T} à votre rythme grâce à {outil}, avec un suivi personnalisé de vos progrès.",
    ],
    "second": [
        "Un test de positionnement est proposé en amont pour constituer des groupes homogènes.",
        "Les supports mêlent {outil3} et exercices interactifs.",
        "En fin de parcours, vous saurez {competence2}.",
        "Possibilité de passer la certification LILATE, TOEIC ou Linguaskill.",
        "Les cours ont lieu deux fois par semaine en visioconférence.",
        "Un travail personnel de trente minutes par jour est recommandé.",
        "Public : {public}.",
        "Chaque apprenant·e dispose d'un accès illimité à la plateforme pendant la durée du parcours.",
    ],
}
# "ce module d'{T}" only works for a vowel-initial language: pattern_ok() makes
# the generator pick another pattern otherwise.

THEMES["sante-soins"] = {
    "n": 122,
    "hours": [3, 7, 7, 14, 14, 21, 21, 35],
    "groups": [
        {  # hygiene, medication, risk management
            "subjects": [
                "l'hygiène hospitalière",
                "la prévention des infections associées aux soins",
                "la pharmacologie",
                "le calcul de doses",
                "le dossier patient informatisé",
                "les perfusions et voies veineuses",
                "la sécurité transfusionnelle",
                "la vaccination",
                "la gestion des risques en établissement de santé",
            ],
            "notions": [
                "les précautions standard",
                "l'hygiène des mains",
                "la traçabilité",
                "les erreurs médicamenteuses",
                "le circuit du médicament",
                "l'identitovigilance",
                "les événements indésirables",
                "les précautions complémentaires",
                "le bionettoyage",
            ],
            "competences": [
                "appliquer les précautions standard",
                "prévenir les erreurs médicamenteuses",
                "sécuriser le circuit du médicament",
                "déclarer un événement indésirable",
                "calculer un débit de perfusion sans erreur",
                "assurer la traçabilité des soins",
            ],
        },
        {  # clinical care and emergencies
            "subjects": [
                "le plan de soins",
                "les transmissions ciblées",
                "la prise en charge de la douleur",
                "le raisonnement clinique",
                "les soins d'urgence",
                {
                    "s": "l'AFGSU niveau 2",
                    "t": "AFGSU niveau 2",
                    "x": "L'attestation est valable quatre ans et doit ensuite être réactualisée.",
                    "h": [21],
                },
                "les plaies et la cicatrisation",
                "la gestion du diabète",
                "l'éducation thérapeutique du patient",
                "la nutrition clinique",
                "la pédiatrie",
                "les troubles de la déglutition",
                "la surveillance post-opératoire",
                "le tutorat des étudiants infirmiers",
            ],
            "notions": [
                "l'évaluation de la douleur",
                "la surveillance des constantes",
                "les escarres",
                "la déshydratation",
                "l'alimentation entérale",
                "les gestes d'urgence",
                "les diagnostics infirmiers",
                "les signes d'alerte",
                "le chariot d'urgence",
                "les pansements complexes",
            ],
            "competences": [
                "élaborer un plan de soins personnalisé",
                "rédiger des transmissions ciblées pertinentes",
                "évaluer et soulager la douleur",
                "réagir face à une urgence vitale",
                "prévenir les escarres",
                "repérer une dégradation clinique",
                "accompagner le patient vers l'autonomie",
            ],
        },
        {  # relationship, ageing, end of life
            "subjects": [
                "les soins palliatifs",
                "la bientraitance",
                "la prise en charge de la personne âgée",
                "la maladie d'Alzheimer",
                "la manutention des patients",
                "la santé mentale",
                "l'accompagnement de fin de vie",
                "les soins en EHPAD",
                "la relation soignant-soigné",
                "la gestion de l'agressivité",
                "le toucher relationnel",
                "la prévention des chutes",
                "l'accueil aux urgences",
                "l'aide à la toilette",
            ],
            "notions": [
                "le consentement du patient",
                "la communication avec les familles",
                "la contention",
                "le secret professionnel",
                "la gestion du stress",
                "la juste distance",
                "les troubles du comportement",
                "le respect de la pudeur",
                "les directives anticipées",
            ],
            "competences": [
                "accompagner un patient en fin de vie",
                "communiquer avec une personne désorientée",
                "désamorcer une situation d'agressivité",
                "préserver l'autonomie de la personne âgée",
                "mobiliser un patient en préservant votre dos",
                "soutenir les proches aidants",
            ],
        },
    ],
    "publics": [
        "les infirmier(ère)s",
        "les aides-soignant·e·s",
        "les infirmiers et infirmières de bloc",
        "les auxiliaires de puériculture",
        "les cadres de santé",
        "les étudiant·e·s en IFSI",
        "les soignants de nuit",
        "les accompagnant·e·s éducatifs et sociaux",
        "les agent·e·s des services hospitaliers",
        "les professionnels de santé libéraux",
        "les aidants familiaux",
        "les personnels d'EHPAD",
    ],
    "metiers": [
        "aide-soignant(e)",
        "infirmier / infirmière coordinateur",
        "auxiliaire de vie",
        "agent·e de service hospitalier",
        "assistant(e) de soins en gérontologie",
        "brancardier / brancardière",
    ],
    "outils": [
        "des mannequins de simulation",
        "des études de cas cliniques",
        "des vidéos de situations réelles",
        "le logiciel de soins de l'établissement",
        "des échelles d'évaluation validées",
        "des jeux de rôle",
    ],
    "titles": [
        "{T_cap} pour {public}",
        "DT|Devenir {metier}",
        "{T_cap} : actualisation des connaissances",
        "Analyse de pratiques : {T}",
        "Formation DPC – {T}",
        "A|{T_cap} : situations complexes",
        "D|{T_cap} : les essentiels pour les soignants",
    ],
    "main": [
        "Cette formation permet aux soignants {de_competence}, en s'appuyant sur {S} et sur {outil}.",
        "Comment améliorer {S} au quotidien ? Analyse de pratiques, apports actualisés et travail sur {notion}.",
        "D|Module de sensibilisation {a_S} destiné {a_public} : notions essentielles, {notion} et bons réflexes.",
        "A|Approfondissement clinique sur {S} : {notion}, {notion2} et recommandations de la HAS les plus récentes.",
        "Face aux situations complexes, {S} exige rigueur et méthode ; ce stage propose des outils concrets pour {competence}.",
        "Formation en simulation sur {S}, à partir de scénarios réalistes joués avec {outil}.",
        "Conçue pour {public}, cette session revient sur {S} et sur la place {de_notion} dans la qualité des soins.",
        "Actualisez vos connaissances sur {S} ! En {duree_txt}, faites le point sur {notion} et partagez vos expériences de terrain.",
        "Parce que {S} engage la sécurité du patient, ce module vous aide à {competence}.",
    ],
    "second": [
        "Les apports théoriques sont complétés par l'analyse de situations vécues.",
        "À l'issue, les participant·e·s sauront {competence2}.",
        "Cette action s'inscrit dans le développement professionnel continu (DPC).",
        "Un focus est réalisé sur {notion3}.",
        "Formation animée par un·e infirmier·ère formateur·rice expérimenté·e.",
        "Les échanges se font dans le respect du secret professionnel.",
        "Public : {public}.",
    ],
}

THEMES["management-leadership"] = {
    "n": 106,
    "hours": [7, 7, 14, 14, 14, 21, 21, 28, 35],
    "subjects": [
        "le management d'équipe",
        "le leadership",
        "la délégation",
        "la conduite du changement",
        "la gestion des conflits",
        "le management à distance",
        "l'entretien annuel d'évaluation",
        "la prise de décision",
        "le feedback",
        "la motivation des équipes",
        "le management transversal",
        "la gestion du temps et des priorités",
        "l'intelligence émotionnelle",
        "la communication managériale",
        "la conduite de réunion",
        "le management agile",
        "la gestion de projet",
        "la méthode Scrum",
        "la prise de poste de manager",
        "le coaching d'équipe",
        "la prévention des risques psychosociaux",
        "le management intergénérationnel",
        "la négociation",
        "la prise de parole en public",
        "la gestion du stress",
        "l'assertivité",
        "la cohésion d'équipe",
        "le pilotage de la performance",
        "les OKR",
        "le management de proximité",
        "la posture de manager coach",
        "la qualité de vie au travail",
        "la vision stratégique",
    ],
    "publics": [
        "les managers de proximité",
        "les nouveaux managers",
        "les chef·fe·s d'équipe",
        "les cadres dirigeant·e·s",
        "les responsables de service",
        "les managers en prise de poste",
        "les chef·fe·s de projet",
        "les team leaders",
        "les encadrant·e·s",
        "les directeurs et directrices de site",
        "les agents de maîtrise",
    ],
    "metiers": [
        "manager",
        "chef / cheffe d'équipe",
        "directeur/directrice d'établissement",
        "responsable d'équipe",
        "chef(fe) de projet",
        "coordinateur·rice",
    ],
    "outils": [
        "la matrice d'Eisenhower",
        "le modèle DISC",
        "la communication non violente",
        "le management situationnel",
        "les tableaux Kanban",
        "la méthode SMART",
        "l'analyse transactionnelle",
        "le codéveloppement",
        "des mises en situation filmées",
        "la méthode « DESC »",
    ],
    "notions": [
        "la fixation d'objectifs",
        "la reconnaissance",
        "la posture d'écoute",
        "les signaux faibles",
        "la confiance",
        "l'autonomie des collaborateurs",
        "la gestion des désaccords",
        "l'exemplarité",
        "la responsabilisation",
        "les rituels d'équipe",
        "les résistances au changement",
        "la charge mentale",
    ],
    "competences": [
        "fixer des objectifs clairs et mesurables",
        "mener un entretien de recadrage",
        "déléguer sans perdre le contrôle",
        "animer une réunion efficace",
        "désamorcer un conflit",
        "accompagner une équipe dans le changement",
        "donner un feedback constructif",
        "motiver une équipe à distance",
        "affirmer une posture de manager claire",
        "prioriser les sujets urgents",
    ],
    "titles": [
        "{T_cap} pour {public}",
        "{T_cap} : les outils du manager",
        "Réussir {S}",
        "Séminaire : {T}",
        "DT|Devenir {metier} : les premiers pas",
        "Leadership et {T}",
        "A|{T_cap} pour cadres dirigeants",
        "{metier_cap} : {T}",
    ],
    "main": [
        "D|Vous venez de prendre la tête d'une équipe ? Ce programme vous aide à {competence} et à trouver votre style de management.",
        "Ce séminaire explore {S} à partir d'outils éprouvés comme {outil}.",
        "A|Pour les managers expérimentés, un temps de recul sur {S}, {notion} et la posture de dirigeant·e.",
        "Apprenez à {competence} grâce à des mises en situation et à un travail sur {notion}.",
        "Manager, c'est d'abord communiquer : cette formation aborde {S} sous l'angle {de_notion} et {de_notion2}.",
        "Atelier pratique sur {S} : diagnostic de vos pratiques, apports méthodologiques et plan d'action individuel.",
        "D|Les clés {de_S} pour {public} : comprendre les mécanismes, repérer les pièges et {competence}.",
        "Comment concilier performance et bien-être ? Ce parcours sur {S} propose des réponses concrètes, illustrées par des témoignages de managers.",
        "I|Au-delà des bases, ce module sur {S} vous entraîne à {competence} dans des contextes plus délicats.",
        "Être {metier} ne s'improvise pas : cette session consacrée {a_S} vous donne des repères solides.",
    ],
    "second": [
        "Les participant·e·s repartent avec un plan de progrès personnel.",
        "La pédagogie s'appuie sur {outil3} et sur des jeux de rôle.",
        "Un accompagnement individuel à distance est proposé un mois après la formation.",
        "Public : {public}.",
        "Vous saurez notamment {competence2}.",
        "Le groupe est volontairement limité à dix participants pour favoriser les échanges.",
        "Un autodiagnostic est proposé avant la première journée.",
    ],
}

THEMES["design-graphique"] = {
    "n": 82,
    "hours": [7, 14, 14, 21, 21, 35, 35, 70],
    "groups": [
        {  # print, layout, brand
            "subjects": [
                "InDesign",
                "Illustrator",
                "l'identité visuelle",
                "la typographie",
                "la mise en page",
                "la création de logo",
                "le design éditorial",
                "Canva",
                "la chaîne graphique et l'impression",
                "la charte graphique",
                "le packaging",
                "Affinity Designer",
                "le dessin vectoriel",
                "la conception d'affiches",
                "la PAO",
            ],
            "outils": ["InDesign", "Illustrator", "Canva", "Affinity Designer", "une tablette graphique"],
            "notions": [
                "la grille de mise en page",
                "les gabarits",
                "les profils colorimétriques",
                "les fichiers prêts à imprimer",
                "le crénage",
                "les tracés vectoriels",
                "la hiérarchie visuelle",
                "les contrastes",
                "les styles de paragraphe",
            ],
            "competences": [
                "concevoir une identité visuelle cohérente",
                "préparer un fichier pour l'imprimeur",
                "mettre en page une plaquette",
                "choisir une typographie adaptée",
                "décliner un logo sur différents supports",
            ],
            "projet": [
                "une affiche événementielle",
                "un logo et sa déclinaison",
                "une brochure de huit pages",
                "une infographie",
            ],
        },
        {  # interface and UX design
            "subjects": [
                "Figma",
                "le design d'interface",
                "l'UX design",
                "le prototypage",
                "le design system",
                "l'accessibilité des interfaces",
                "le webdesign responsive",
            ],
            "outils": ["Figma", "Adobe XD", "Miro", "Figma et FigJam"],
            "notions": [
                "les wireframes",
                "les personas",
                "les composants réutilisables",
                "les parcours utilisateurs",
                "les contrastes",
                "la hiérarchie visuelle",
                "les tests utilisateurs",
                "les grilles responsives",
            ],
            "competences": [
                "maquetter une application mobile",
                "construire un design system",
                "tester une interface avec des utilisateurs",
                "concevoir un parcours utilisateur fluide",
                "documenter des composants pour les développeurs",
            ],
            "projet": ["la maquette d'un site vitrine", "le prototype d'une application", "un mini design system"],
        },
        {  # image, motion, 3D
            "subjects": [
                "Photoshop",
                "la retouche photo",
                "After Effects",
                "le motion design",
                "l'illustration numérique",
                "Blender",
                "la photographie produit",
                "la théorie des couleurs",
                "la composition visuelle",
            ],
            "outils": [
                "Photoshop",
                "After Effects",
                "Procreate",
                "Blender",
                "Lightroom",
                "une tablette graphique",
                "Affinity Photo",
            ],
            "notions": [
                "les calques et masques",
                "le détourage",
                "les animations de transition",
                "les contrastes",
                "l'étalonnage",
                "la lumière",
                "les images clés",
                "les harmonies colorées",
            ],
            "competences": [
                "retoucher des photos de façon professionnelle",
                "animer un logo",
                "illustrer un concept",
                "réaliser une courte vidéo animée",
                "mettre en valeur un produit",
            ],
            "projet": ["un kit pour les réseaux sociaux", "une animation de logo", "une série de visuels produits"],
        },
    ],
    "publics": [
        "les graphistes",
        "les chargé·e·s de communication",
        "les webdesigners",
        "les étudiant.e.s en arts appliqués",
        "les designers UX/UI",
        "les indépendant·e·s",
        "les responsables marketing",
        "les maquettistes",
        "toute personne souhaitant créer ses propres visuels",
        "les illustrateurs et illustratrices",
    ],
    "metiers": [
        "graphiste",
        "designer UX/UI",
        "maquettiste PAO",
        "motion designer",
        "directeur / directrice artistique",
        "infographiste",
    ],
    "titles": [
        "{T_cap} pour {public}",
        "Créer avec {S}",
        "{T_cap} : atelier créatif",
        "DT|Devenir {metier}",
        "{T_cap} avec {outil}",
        "A|{T_cap} : techniques de pro",
        "D|Premiers pas avec {S}",
    ],
    "main": [
        "D|Découvrez les outils essentiels {de_S} et réalisez vos premières créations en suivant des exercices guidés.",
        "Ce cours pratique sur {S} vous apprend à {competence}, du brief client au rendu final.",
        "A|Techniques avancées {de_S} : {notion}, {notion2} et optimisation de votre flux de travail.",
        "Créez des visuels percutants ! La formation aborde {S}, {notion} et les règles de base de la composition.",
        "Vous travaillez sur {outil} ? Ce module sur {S} vous fait gagner du temps grâce aux raccourcis et bonnes pratiques des pros.",
        "Formation-projet : chaque stagiaire conçoit {projet} en mobilisant {S}.",
        "Pensée pour {public}, cette session sur {S} mêle culture graphique et pratique intensive sur {outil}.",
        "Comment rendre un message lisible et attrayant ? Réponses à travers {S} et l'analyse de réalisations réussies.",
        "Du croquis au fichier final, {S} n'aura plus de secret pour vous : {notion}, couleurs et export.",
    ],
    "second": [
        "Chaque participant·e repart avec un portfolio enrichi.",
        "Prévoir un ordinateur avec {outil} installé (version d'essai acceptée).",
        "Un temps est consacré {a_notion3}.",
        "Vous saurez ensuite {competence2}.",
        "Le groupe travaille sur un brief réel proposé par une association partenaire.",
        "Public : {public}.",
    ],
}

THEMES["droit"] = {
    "n": 72,
    "hours": [3, 4, 7, 7, 7, 14, 14, 21],
    "groups": [
        {  # employment law
            "subjects": [
                "le droit du travail",
                "la rupture conventionnelle",
                "le contentieux prud'homal",
                "le droit social pour managers",
            ],
            "notions": [
                "les obligations de l'employeur",
                "la période d'essai",
                "la clause de non-concurrence",
                "la charge de la preuve",
                "le délai de prescription",
                "les heures supplémentaires",
                "la procédure disciplinaire",
            ],
            "competences": [
                "gérer une procédure de licenciement",
                "conduire une rupture conventionnelle",
                "anticiper un contentieux",
                "sécuriser une sanction disciplinaire",
            ],
            "outils": [
                "le Code du travail",
                "la jurisprudence récente",
                "des études de cas",
                "des modèles de courriers",
            ],
        },
        {  # data protection
            "subjects": [
                {"s": "le RGPD", "x": "Les dernières recommandations de la CNIL sont commentées."},
                "la protection des données personnelles",
                "le droit du numérique",
            ],
            "notions": [
                "la base légale d'un traitement",
                "les droits des personnes concernées",
                "les sanctions de la CNIL",
                "les analyses d'impact (AIPD)",
                "les sous-traitants",
                "la durée de conservation",
                "les cookies",
            ],
            "competences": [
                "mettre en conformité un traitement de données",
                "tenir le registre des traitements",
                "répondre à une demande d'accès",
                "réagir à une violation de données",
            ],
            "outils": [
                "le registre des traitements",
                "les guides de la CNIL",
                "des études de cas",
                "des modèles de clauses",
            ],
        },
        {  # business law
            "subjects": [
                "le droit des contrats",
                "le droit commercial",
                "le droit de la consommation",
                "la propriété intellectuelle",
                "le droit des sociétés",
                "les marchés publics",
                "le droit de la famille",
                "le droit pénal des affaires",
                "le droit immobilier",
                "les baux commerciaux",
                "la responsabilité civile",
                "la conformité et l'éthique des affaires",
                "la loi Sapin 2",
                "le droit de l'environnement",
                "la rédaction juridique",
                "les procédures collectives",
                "le droit des associations",
                "la veille juridique",
                "les conditions générales de vente",
                "le droit d'auteur",
                "le droit de la santé",
            ],
            "notions": [
                "les clauses abusives",
                "le devoir de conseil",
                "la force majeure",
                "les pénalités de retard",
                "les mentions obligatoires",
                "le délai de prescription",
                "la responsabilité des dirigeants",
                "les garanties",
                "la cartographie des risques",
            ],
            "competences": [
                "sécuriser la rédaction d'un contrat",
                "rédiger des CGV conformes",
                "protéger une marque",
                "répondre à un appel d'offres public",
                "anticiper un contentieux",
                "négocier un bail commercial",
            ],
            "outils": [
                "des modèles de clauses",
                "la jurisprudence récente",
                "des fiches pratiques",
                "des quiz juridiques",
                "des études de cas",
            ],
        },
    ],
    "publics": [
        "les juristes",
        "les assistant·e·s juridiques",
        "les responsables RH",
        "les dirigeant·e·s de PME",
        "les DPO",
        "les acheteur·euse·s publics",
        "les étudiant.e.s en droit",
        "les élu·e·s du CSE",
        "les managers",
        "les professionnels de l'immobilier",
        "les référent·e·s conformité",
    ],
    "metiers": [
        "juriste d'entreprise",
        "assistant·e juridique",
        "délégué·e à la protection des données",
        "clerc de notaire",
    ],
    "titles": [
        "{T_cap} : l'essentiel",
        "{T_cap} : actualité {annee}",
        "{T_cap} pour {public}",
        "Sécuriser {S}",
        "DT|Devenir {metier}",
        "A|{T_cap} : jurisprudence et cas pratiques",
        "D|{T_cap} pour les non-juristes",
    ],
    "main": [
        "Cette formation fait le point sur {S} et sur les évolutions législatives récentes, avec un accent sur {notion}.",
        "D|Les fondamentaux {de_S} expliqués simplement : principes, vocabulaire juridique et {notion}.",
        "A|Analyse approfondie {de_S} : {notion}, {notion2} et lecture critique {de_outil}.",
        "Comment {competence} sans prendre de risque ? Ce module sur {S} apporte des réponses opérationnelles.",
        "Destinée {a_public}, la session aborde {S} à travers {outil}.",
        "Mettez-vous en conformité ! Un atelier concret sur {S} pour {competence}.",
        "I|Vous connaissez les grands principes {de_S} ? Ce stage vous permet de traiter les cas complexes, notamment {notion}.",
        "Point d'actualité : ce que {S} impose concrètement aux entreprises, {de_notion} {jusqua_notion2}.",
        "Vous devez {competence} ? Cette session sur {S} vous donne une méthode et des modèles fiables.",
    ],
    "second": [
        "Les apports sont illustrés par {outil3}.",
        "Vous saurez ensuite {competence2}.",
        "Contenu mis à jour au regard de la dernière jurisprudence de la Cour de cassation.",
        "La formation est animée par un·e avocat·e spécialisé·e.",
        "Un livret de synthèse et des modèles de documents sont remis aux participants.",
        "Public : {public}.",
    ],
}

THEMES["metiers-du-batiment"] = {
    "n": 162,
    "hours": [14, 21, 35, 35, 70, 70, 105, 140, 280, 420, 560],
    "groups": [
        {  # plumbing, heating, ventilation
            "subjects": [
                "la plomberie sanitaire",
                "le chauffage et la climatisation",
                "les pompes à chaleur",
                "le dépannage en plomberie",
                "les réseaux de gaz",
                "la VMC",
                "le brasage du cuivre",
                "l'installation de chauffe-eau thermodynamiques",
            ],
            "notions": [
                "le dimensionnement des canalisations",
                "l'évacuation des eaux usées",
                "les bilans thermiques",
                "les raccords à sertir",
                "l'équilibrage hydraulique",
                "les fluides frigorigènes",
                "la réglementation gaz",
                "les règles de l'art",
                "les DTU",
                "les débits d'extraction",
            ],
            "competences": [
                "réaliser une installation sanitaire complète",
                "diagnostiquer une panne de chaudière",
                "mettre en service une pompe à chaleur",
                "poser un chauffe-eau en toute sécurité",
                "réaliser des raccords cuivre brasés",
                "établir un devis précis",
            ],
            "outils": [
                "la cintreuse",
                "des bancs de test hydrauliques",
                "un plateau technique entièrement équipé",
                "une station de récupération de fluides",
                "des pinces à sertir",
            ],
            "metiers": [
                "plombier / plombière chauffagiste",
                "installateur·rice en génie climatique",
                "technicien·ne de maintenance du bâtiment",
                "frigoriste",
            ],
            "publics": [
                "les plombiers/plombières",
                "les chauffagistes",
                "les apprenti·e·s",
                "les artisans et artisanes",
                "les technicien·ne·s de maintenance",
                "les personnes en reconversion",
            ],
        },
        {  # electricity
            "subjects": [
                "l'électricité du bâtiment",
                {
                    "s": "les installations électriques selon la NF C 15-100",
                    "t": "installations électriques NF C 15-100",
                },
                "le raccordement de tableaux électriques",
                "la domotique",
                "l'installation de panneaux photovoltaïques",
                "l'installation de bornes de recharge (IRVE)",
            ],
            "notions": [
                "la sécurité électrique",
                "les sections de câbles",
                "la protection différentielle",
                "la mise à la terre",
                "les schémas électriques",
                "le choix des disjoncteurs",
                "les volumes de salle de bains",
                "l'autoconsommation",
                "les circuits spécialisés",
            ],
            "competences": [
                "câbler un tableau électrique dans le respect des normes",
                "lire un schéma électrique",
                "réaliser la mise en service d'une installation",
                "rechercher une panne électrique",
                "établir un devis précis",
                "installer une borne de recharge conforme",
            ],
            "outils": [
                "un multimètre",
                "une armoire électrique pédagogique",
                "des cellules de câblage",
                "un plateau technique entièrement équipé",
            ],
            "metiers": [
                "électricien(ne) du bâtiment",
                "technicien·ne de maintenance du bâtiment",
                "installateur / installatrice photovoltaïque",
            ],
            "publics": [
                "les électricien·ne·s",
                "les apprenti·e·s",
                "les artisans et artisanes",
                "les technicien·ne·s de maintenance",
                "les demandeurs et demandeuses d'emploi",
            ],
        },
        {  # structural work and roofing
            "subjects": [
                "la maçonnerie",
                "le coffrage et le ferraillage",
                "l'enduit à la chaux",
                "la taille de pierre",
                "la charpente",
                "la couverture et la zinguerie",
                "l'étanchéité des toitures-terrasses",
                "l'isolation thermique par l'extérieur",
            ],
            "notions": [
                "les dosages de mortier",
                "l'aplomb et le niveau",
                "le traçage",
                "les DTU",
                "les armatures",
                "la cure du béton",
                "les points singuliers",
                "les règles de l'art",
                "l'étanchéité à l'air",
                "les pentes de toiture",
            ],
            "competences": [
                "monter un mur en parpaings",
                "réaliser une chape",
                "couler une dalle",
                "lire un plan d'exécution",
                "implanter un petit ouvrage",
                "réaliser un enduit traditionnel",
                "poser une couverture en tuiles",
            ],
            "outils": [
                "une bétonnière",
                "le niveau laser",
                "un chantier école",
                "des outils électroportatifs",
                "un échafaudage pédagogique",
            ],
            "metiers": [
                "maçon / maçonne",
                "couvreur(se)",
                "ouvrier/ouvrière polyvalent(e) du bâtiment",
                "chef / cheffe de chantier",
                "charpentier / charpentière",
            ],
            "publics": [
                "les ouvrier·ère·s du bâtiment",
                "les compagnons",
                "les apprenti·e·s",
                "les salarié-e-s des entreprises du BTP",
                "les chef·fe·s de chantier",
            ],
        },
        {  # finishing trades, joinery, metalwork
            "subjects": [
                "la menuiserie bois",
                "la menuiserie aluminium",
                "la pose de carrelage",
                "la peinture en bâtiment",
                "la plâtrerie et l'isolation",
                "la pose de cloisons sèches",
                "la pose de parquet",
                "l'ébénisterie",
                "la pose de fenêtres",
                "le carrelage grand format",
                "la serrurerie-métallerie",
                "la soudure",
            ],
            "notions": [
                "le calepinage",
                "l'assemblage à tenon et mortaise",
                "le lissage des enduits",
                "les ponts thermiques",
                "l'étanchéité à l'air",
                "la préparation des supports",
                "les joints",
                "le débit des bois",
                "les finitions",
                "les règles de l'art",
            ],
            "competences": [
                "poser une fenêtre en rénovation",
                "poser un carrelage mural",
                "monter une cloison en plaques de plâtre",
                "réaliser un meuble sur mesure",
                "préparer et peindre un support neuf",
                "souder à l'arc en toute sécurité",
            ],
            "outils": [
                "des outils électroportatifs",
                "des machines à bois",
                "des cabines de soudure",
                "le niveau laser",
                "un chantier école",
            ],
            "metiers": [
                "menuisier·ère poseur·se",
                "carreleur / carreleuse",
                "peintre en bâtiment",
                "soudeur / soudeuse",
                "plaquiste",
                "métallier / métallière",
            ],
            "publics": [
                "les ouvrier·ère·s du bâtiment",
                "les artisans et artisanes",
                "les apprenti·e·s",
                "les auto-entrepreneurs",
                "les personnes en reconversion",
            ],
        },
        {  # plans, estimating, site management, energy renovation
            "subjects": [
                "la lecture de plans",
                "le métré et le chiffrage",
                "la rénovation énergétique",
                "le BIM",
                "l'organisation de chantier",
                {
                    "s": "la qualification RGE",
                    "t": "qualification RGE",
                    "x": "La formation prépare au QCM nécessaire à l'obtention de la mention RGE.",
                    "h": [21, 35],
                },
            ],
            "notions": [
                "les bilans thermiques",
                "les ponts thermiques",
                "les quantitatifs",
                "le planning de chantier",
                "les aides à la rénovation",
                "la coordination des corps d'état",
                "les DTU",
                "la maquette numérique",
            ],
            "competences": [
                "lire un plan d'exécution",
                "établir un devis précis",
                "encadrer une petite équipe sur chantier",
                "planifier les interventions des corps d'état",
                "conseiller un client sur les aides à la rénovation",
            ],
            "outils": [
                "un logiciel de DAO",
                "un logiciel de métré",
                "Revit",
                "des plans de projets réels",
                "un chantier école",
            ],
            "metiers": [
                "chef / cheffe de chantier",
                "conducteur / conductrice de travaux",
                "dessinateur·rice projeteur·se",
                "technicien·ne d'études du bâtiment",
            ],
            "publics": [
                "les chef·fe·s de chantier",
                "les conducteurs / conductrices de travaux",
                "les artisans et artisanes",
                "les chargé·e·s d'affaires",
                "les dirigeant·e·s de TPE du BTP",
            ],
        },
    ],
    "publics": [
        "les ouvrier·ère·s du bâtiment",
        "les artisans et artisanes",
        "les apprenti·e·s",
        "les plombiers/plombières",
        "les électricien·ne·s",
        "les compagnons",
        "les chef·fe·s de chantier",
        "les personnes en reconversion",
        "les demandeurs et demandeuses d'emploi",
        "les conducteurs / conductrices de travaux",
        "les salarié-e-s des entreprises du BTP",
        "les auto-entrepreneurs",
    ],
    "titles": [
        "DT|Devenir {metier}",
        "DT|Titre professionnel {metier_cap}",
        "{T_cap} : gestes professionnels",
        "{T_cap} pour {public}",
        "{T_cap} en rénovation",
        "Stage pratique : {T}",
        "{metier_cap} : {T}",
        "A|{T_cap} : cas de chantier difficiles",
        "I|{T_cap} – perfectionnement",
    ],
    "main": [
        "D|Formation pratique aux gestes de base {de_S}, sur {outil}, pour acquérir les bons réflexes dès le premier jour.",
        "Apprenez à {competence} : ce stage sur {S} fait la part belle à la pratique en atelier (80 % du temps).",
        "A|Perfectionnement {de_S} pour professionnels confirmés : {notion}, {notion2} et cas de chantier difficiles.",
        "Ce module aborde {S} dans le respect des normes en vigueur, en insistant sur {notion}.",
        "L|Vous souhaitez devenir {metier} ? Ce parcours qualifiant vous prépare au titre professionnel, stages en entreprise compris.",
        "Remise à niveau sur {S} : rappel {de_notion}, exercices sur {outil} et conseils d'un·e formateur·rice issu·e du métier.",
        "Pour {public}, une formation courte et concrète sur {S}, centrée sur {notion}.",
        "De la lecture de plan à la finition, maîtrisez {S} grâce à des mises en situation réelles sur chantier école.",
        "I|Vous avez déjà les bases ? Ce stage vous apprend à {competence} plus rapidement et avec moins de reprises.",
        "Le métier {de_metier} évolue ; cette formation sur {S} vous permet de rester à jour sur {notion}.",
    ],
    "second": [
        "Les EPI sont fournis par le centre de formation.",
        "Vous serez capable {de_competence2}.",
        "Une attention particulière est portée {a_notion3}.",
        "La formation peut être suivie en alternance.",
        "Évaluation pratique sur ouvrage réel en fin de session.",
        "Public : {public}.",
        "Les ateliers sont équipés {de_outil3}.",
        "Des chaussures de sécurité sont obligatoires dès le premier jour.",
    ],
}

THEMES["enseignement-pedagogie"] = {
    "n": 76,
    "hours": [7, 7, 14, 14, 21, 21, 35, 70],
    "subjects": [
        "la pédagogie active",
        "l'ingénierie pédagogique",
        "l'animation de formation",
        "la classe inversée",
        "l'évaluation des acquis",
        "la gestion de classe",
        "la différenciation pédagogique",
        "les neurosciences de l'apprentissage",
        "la conception de modules e-learning",
        "la formation d'adultes",
        "le tutorat en entreprise",
        "la pédagogie Montessori",
        "l'enseignement à distance",
        "la création de supports pédagogiques",
        "les troubles DYS",
        "l'école inclusive",
        "la ludopédagogie",
        "la posture de formateur",
        "l'accompagnement à la VAE",
        "l'éducation aux médias",
        {
            "s": "la démarche qualité Qualiopi",
            "t": "démarche Qualiopi",
            "x": "Les 32 indicateurs du référentiel national qualité sont passés en revue.",
        },
        "les outils numériques en classe",
        "l'autorité éducative",
        "la didactique du français langue étrangère",
        "la préparation au concours de professeur des écoles",
    ],
    "publics": [
        "les formateurs et formatrices",
        "les enseignant·e·s",
        "les professeur·e·s des écoles",
        "les tuteur·rice·s en entreprise",
        "les apprenant·e·s",
        "les formateur(trice)s d'adultes",
        "les AESH",
        "les responsables pédagogiques",
        "les étudiant.e.s en master MEEF",
        "les animateurs et animatrices",
        "les conseiller·ère·s en insertion",
    ],
    "metiers": [
        "formateur(trice) d'adultes",
        "professeur·e des écoles",
        "ingénieur·e pédagogique",
        "tuteur / tutrice en entreprise",
        "concepteur / conceptrice e-learning",
        "accompagnateur·rice VAE",
    ],
    "outils": [
        "Moodle",
        "Genially",
        "Wooclap",
        "Kahoot",
        "Articulate Storyline",
        "des cartes mentales",
        "Canva",
        "Padlet",
        "des grilles d'évaluation critériée",
        "Google Classroom",
    ],
    "notions": [
        "les objectifs pédagogiques",
        "la motivation des apprenants",
        "la mémorisation",
        "le feedback formatif",
        "la dynamique de groupe",
        "les styles d'apprentissage",
        "l'attention",
        "les situations-problèmes",
        "la taxonomie de Bloom",
        "les compétences transversales",
        "l'évaluation formative",
        "la bienveillance éducative",
        "les consignes",
        "le scénario pédagogique",
    ],
    "competences": [
        "concevoir une séquence pédagogique complète",
        "animer une session participative",
        "évaluer les acquis de façon objective",
        "adapter l'enseignement aux besoins particuliers",
        "créer un module e-learning interactif",
        "gérer un groupe difficile",
        "accompagner un·e apprenant·e en difficulté",
        "rédiger des objectifs pédagogiques opérationnels",
    ],
    "titles": [
        "{T_cap} pour {public}",
        "DT|Devenir {metier}",
        "Former autrement : {T}",
        "{T_cap} : outils et méthodes",
        "Formation de formateurs : {T}",
        "A|{T_cap} : ce que dit la recherche",
    ],
    "main": [
        "Rendez vos apprenants acteurs de leur formation ! Ce stage sur {S} propose des méthodes immédiatement transférables.",
        "Cette formation de formateurs aborde {S} : {notion}, {notion2} et construction d'un scénario complet.",
        "D|Vous animez vos premières sessions ? Découvrez {S} et apprenez à {competence}.",
        "A|Pour les praticien·ne·s aguerri·e·s, un approfondissement {de_S} appuyé sur la recherche en sciences de l'éducation.",
        "Comment favoriser {notion} ? Le module sur {S} apporte des repères théoriques et des outils comme {outil}.",
        "Conçue pour {public}, cette session sur {S} alterne expérimentations, analyse de pratiques et apports.",
        "Objectif : {competence}, en s'appuyant sur {S} et sur un usage raisonné {de_outil}.",
        "Atelier collaboratif autour {de_S} : chacun·e construit un outil directement utilisable avec son public.",
        "Un apprenant qui comprend pourquoi il apprend s'engage davantage : ce module sur {S} vous montre comment y parvenir.",
    ],
    "second": [
        "Les apprenant·e·s expérimentent eux-mêmes les méthodes présentées.",
        "Vous saurez {competence2}.",
        "Les démonstrations s'appuient sur {outil3}.",
        "Cette action peut contribuer à la démarche qualité de votre organisme.",
        "Public : {public}.",
        "Un temps d'analyse de pratiques clôt chaque journée.",
    ],
}

THEMES["marketing-digital"] = {
    "n": 102,
    "hours": [7, 7, 14, 14, 21, 21, 35, 70],
    "subjects": [
        "le référencement naturel (SEO)",
        "le référencement payant (SEA)",
        "Google Ads",
        "les réseaux sociaux",
        "le community management",
        "LinkedIn",
        "Instagram",
        "TikTok pour les marques",
        "l'e-mailing",
        "le marketing automation",
        "le content marketing",
        "le copywriting",
        "Google Analytics 4",
        "le growth hacking",
        "l'inbound marketing",
        "la stratégie digitale",
        "le social selling",
        "la publicité sur Meta",
        "le marketing d'influence",
        "le webmarketing",
        "l'e-commerce",
        "Shopify",
        "le tunnel de conversion",
        "le SEO local",
        "la rédaction web",
        "le marketing vidéo",
        "l'expérience client",
        "HubSpot",
        "la marque employeur",
        {
            "s": "la conformité RGPD en marketing",
            "t": "RGPD et marketing",
            "x": "Le recueil du consentement et la gestion des cookies sont abordés en détail.",
        },
        "l'IA générative pour le marketing",
        "les KPI du marketing digital",
        "le podcast de marque",
        "la newsletter",
    ],
    "publics": [
        "les chargé·e·s de marketing",
        "les community managers",
        "les commerçant·e·s",
        "les entrepreneur·e·s",
        "les responsables communication",
        "les indépendant·e·s",
        "les TPE et PME",
        "les chargés et chargées de communication",
        "les commerciaux et commerciales",
        "les associations",
        "les e-commerçants",
    ],
    "metiers": [
        "community manager",
        "chargé·e de marketing digital",
        "traffic manager",
        "consultant(e) SEO",
        "responsable e-commerce",
        "rédacteur / rédactrice web",
    ],
    "outils": [
        "Google Analytics 4",
        "Google Search Console",
        "Semrush",
        "Meta Business Suite",
        "Brevo",
        "Mailchimp",
        "HubSpot",
        "Canva",
        "Hootsuite",
        "ChatGPT",
        "Google Tag Manager",
        "Looker Studio",
        "WordPress",
        "Shopify",
    ],
    "notions": [
        "les mots-clés",
        "la ligne éditoriale",
        "le taux de conversion",
        "le coût par clic",
        "les personas",
        "le maillage interne",
        "les balises title",
        "le calendrier éditorial",
        "l'engagement",
        "la segmentation",
        "les scénarios d'automatisation",
        "le ROI des campagnes",
        "les backlinks",
        "l'A/B testing",
        "le retargeting",
        "le parcours client",
    ],
    "competences": [
        "bâtir une stratégie de contenu",
        "améliorer la visibilité de votre site",
        "lancer une campagne publicitaire rentable",
        "animer une communauté en ligne",
        "mesurer le retour sur investissement",
        "rédiger des textes qui convertissent",
        "automatiser vos relances clients",
        "construire un plan de communication digitale",
    ],
    "titles": [
        "{T_cap} pour {public}",
        "{T_cap} : stratégie et outils",
        "DT|Devenir {metier}",
        "Réussir {S}",
        "{T_cap} en {annee}",
        "Boostez vos ventes avec {S}",
        "A|{T_cap} : optimisation et pilotage",
        "D|{T_cap} pour les petites entreprises",
    ],
    "main": [
        "Boostez votre visibilité en ligne : cette formation décrypte {S} et vous montre comment {competence}.",
        "D|Initiation {a_S} pour {public} : vocabulaire, enjeux et premières actions à mettre en place dès demain.",
        "A|Stratégies avancées {de_S} : {notion}, {notion2} et pilotage par la donnée avec {outil}.",
        "Comment {competence} ? Ce module sur {S} répond à cette question avec des exemples de marques françaises.",
        "Atelier opérationnel : vous travaillez sur votre propre projet pour optimiser {notion} grâce {a_S}.",
        "Ce parcours sur {S} combine méthodologie, outils ({outil}, {outil2}) et retours d'expérience.",
        "I|Vous gérez déjà vos comptes ? Allez plus loin sur {S} en structurant {notion} et en suivant les bons indicateurs.",
        "Pourquoi vos publications ne génèrent-elles pas de ventes ? Ce stage sur {S} vous aide à corriger le tir.",
        "Les algorithmes évoluent sans cesse ; cette session fait le point sur {S} et sur les tendances de l'année.",
    ],
    "second": [
        "Démonstrations en direct sur {outil3}.",
        "Chaque stagiaire repart avec un plan d'action adapté à son entreprise.",
        "Vous apprendrez notamment à {competence2}.",
        "Un focus est fait sur {notion3}.",
        "Formation finançable par votre OPCO.",
        "Public : {public}.",
        "Venez avec vos accès à vos comptes pour travailler sur des cas réels.",
    ],
}

THEMES["hotellerie-restauration"] = {
    "n": 112,
    "hours": [7, 14, 14, 21, 35, 35, 70, 140, 400],
    "groups": [
        {  # kitchen, pastry, bakery
            "subjects": [
                "la cuisine traditionnelle",
                "la pâtisserie",
                "la boulangerie",
                "la cuisine végétarienne",
                "la cuisine du monde",
                "le dressage des assiettes",
                "les techniques de découpe",
                "la cuisine sous vide",
                "les sauces et fonds de base",
                "le chocolat",
                "la viennoiserie",
                "les desserts à l'assiette",
                "la cuisine de bistrot",
                "la restauration collective",
            ],
            "notions": [
                "les températures de cuisson",
                "la mise en place",
                "le tournage des légumes",
                "le foisonnement",
                "le tempérage",
                "les liaisons et émulsions",
                "le façonnage",
                "le coût matière",
                "les textures",
                "l'assaisonnement",
                "la pousse et la fermentation",
            ],
            "competences": [
                "réaliser des entremets",
                "élaborer une carte de saison rentable",
                "rédiger une fiche technique",
                "maîtriser les cuissons basse température",
                "dresser une assiette soignée",
                "réaliser des viennoiseries feuilletées",
            ],
            "outils": [
                "une cuisine pédagogique professionnelle",
                "des fiches techniques",
                "un four mixte",
                "un thermomètre sonde",
                "un laboratoire de pâtisserie",
            ],
            "metiers": [
                "cuisinier / cuisinière",
                "commis de cuisine",
                "pâtissier·ère",
                "boulanger / boulangère",
                "chef / cheffe de partie",
            ],
            "publics": [
                "les cuisiniers et cuisinières",
                "les commis de cuisine",
                "les apprenti·e·s en CAP",
                "les personnels de restauration collective",
                "les passionné·e·s de cuisine",
            ],
        },
        {  # dining room, bar, wine
            "subjects": [
                "le service en salle",
                "la sommellerie",
                "l'œnologie",
                "le bar et la mixologie",
                "l'art du café",
                "l'accueil de la clientèle internationale",
            ],
            "notions": [
                "le service à l'assiette",
                "les accords mets et vins",
                "la prise de commande",
                "la vente additionnelle",
                "les techniques de service",
                "la dégustation",
                "l'extraction du café",
                "les cocktails classiques",
                "la gestion des réclamations",
            ],
            "competences": [
                "conseiller un vin adapté au plat",
                "gérer un coup de feu en salle",
                "accueillir et fidéliser la clientèle",
                "réaliser des cocktails signature",
                "préparer un espresso parfait",
                "développer la vente additionnelle",
            ],
            "outils": [
                "une salle de restaurant d'application",
                "une machine à espresso",
                "un bar pédagogique",
                "la caisse enregistreuse",
                "une cave de dégustation",
            ],
            "metiers": [
                "serveur / serveuse",
                "chef / cheffe de rang",
                "barman / barmaid",
                "maître d'hôtel",
                "sommelier / sommelière",
                "barista",
            ],
            "publics": [
                "les serveurs/serveuses",
                "les équipes de salle",
                "les barmen et barmaids",
                "les chef·fe·s de rang",
                "les restaurateur·rice·s",
            ],
        },
        {  # front office and housekeeping
            "subjects": [
                "l'accueil en réception",
                "le revenue management hôtelier",
                "l'entretien des chambres",
                "le petit-déjeuner en hôtellerie",
                "la gestion des avis en ligne",
            ],
            "notions": [
                "l'accueil téléphonique",
                "la gestion des réclamations",
                "les protocoles de nettoyage",
                "le taux d'occupation",
                "le prix moyen",
                "les avis en ligne",
                "le check-in et le check-out",
                "les standards de qualité",
            ],
            "competences": [
                "accueillir et fidéliser la clientèle",
                "optimiser le taux d'occupation",
                "traiter une réclamation avec tact",
                "organiser le travail des équipes d'étage",
                "répondre aux avis en ligne",
            ],
            "outils": [
                "le logiciel de gestion hôtelière",
                "le logiciel de réservation",
                "des chambres d'application",
                "des jeux de rôle",
            ],
            "metiers": [
                "réceptionniste",
                "gouvernant(e) d'étage",
                "valet / femme de chambre",
                "employé·e d'étage",
                "night auditor",
            ],
            "publics": [
                "les réceptionnistes",
                "les gouvernant·e·s d'hôtel",
                "les équipes d'étage",
                "les directeur·rice·s d'hôtel",
                "les agent·e·s d'accueil",
            ],
        },
        {  # hygiene, regulation, management
            "subjects": [
                {
                    "s": "l'hygiène alimentaire selon la méthode HACCP",
                    "t": "hygiène alimentaire HACCP",
                    "x": "Une attestation conforme au décret du 24 juin 2011 est délivrée.",
                    "h": [14],
                },
                "la gestion des allergènes",
                "la gestion des stocks en cuisine",
                {
                    "s": "le permis d'exploitation",
                    "t": "permis d'exploitation",
                    "x": "Le permis est valable dix ans ; il est obligatoire pour ouvrir un débit de boissons.",
                    "h": [20],
                },
                "la gestion d'un restaurant",
                "le calcul des fiches techniques",
                "l'anti-gaspillage en restauration",
                "la traçabilité alimentaire",
                "le plan de maîtrise sanitaire",
            ],
            "notions": [
                "la marche en avant",
                "la chaîne du froid",
                "les 14 allergènes majeurs",
                "l'autocontrôle",
                "les DLC et DDM",
                "le nettoyage et la désinfection",
                "le coût matière",
                "la traçabilité des lots",
                "les ratios de gestion",
                "la réglementation des débits de boissons",
            ],
            "competences": [
                "appliquer les bonnes pratiques d'hygiène",
                "aborder sereinement un contrôle sanitaire",
                "réduire le gaspillage alimentaire",
                "calculer le coût de revient d'un plat",
                "informer la clientèle sur les allergènes",
                "piloter la rentabilité de l'établissement",
            ],
            "outils": [
                "le plan de maîtrise sanitaire de l'établissement",
                "un thermomètre sonde",
                "des fiches techniques",
                "des grilles d'autocontrôle",
                "un tableur de gestion",
            ],
            "metiers": [
                "employé·e polyvalent·e de restauration",
                "restaurateur / restauratrice",
                "gérant·e de restaurant",
                "agent·e de restauration",
            ],
            "publics": [
                "les restaurateur·rice·s",
                "les agent·e·s de restauration",
                "les cuisiniers et cuisinières",
                "les porteurs et porteuses de projet de restaurant",
                "les gérant·e·s de snack",
            ],
        },
    ],
    "publics": [
        "les cuisiniers et cuisinières",
        "les commis de cuisine",
        "les serveurs/serveuses",
        "les réceptionnistes",
        "les restaurateur·rice·s",
        "les gouvernant·e·s d'hôtel",
        "les apprenti·e·s en CAP",
        "les équipes de salle",
        "les personnels de restauration collective",
        "les porteurs et porteuses de projet de restaurant",
        "les agent·e·s de restauration",
        "les passionné·e·s de cuisine",
    ],
    "titles": [
        "DT|Devenir {metier}",
        "DT|Titre professionnel {metier_cap}",
        "{T_cap} pour {public}",
        "{T_cap} : les gestes du métier",
        "Stage {T}",
        "A|{T_cap} : techniques de chef",
        "{metier_cap} : {T}",
    ],
    "main": [
        "D|Les gestes professionnels {de_S} enseignés pas à pas, avec {outil} et de nombreuses démonstrations.",
        "Formation pratique : {S}, {notion} et organisation du poste de travail.",
        "A|Perfectionnement {de_S} auprès d'un chef ou d'une cheffe expérimenté·e : techniques fines, créativité et {notion}.",
        "Apprenez à {competence} grâce à ce stage centré sur {S}.",
        "Le service commence bien avant l'arrivée des clients ! Ce module sur {S} met l'accent sur {notion}.",
        "Conçue pour {public}, la formation aborde {S} à travers des ateliers en situation réelle de service.",
        "En {duree_txt}, faites le point sur {S} : réglementation, {notion} et cas pratiques.",
        "Ce stage sur {S} vous permettra {de_competence} tout en maîtrisant {notion}.",
        "DT|Vous rêvez d'ouvrir votre établissement ? Intégrez {S} dans votre projet dès le départ.",
        "L|Formation qualifiante pour devenir {metier} : {S}, {notion}, service réel au restaurant d'application et stage en entreprise.",
    ],
    "second": [
        "Tenue professionnelle exigée (fournie pour les stagiaires en reconversion).",
        "Vous serez capable {de_competence2}.",
        "Les préparations et mises en situation sont analysées collectivement.",
        "Public : {public}.",
        "Un focus est réalisé sur {notion3}.",
        "Les ateliers se déroulent avec {outil3}.",
    ],
}

THEMES["logistique-transport"] = {
    "n": 92,
    "hours": [7, 14, 14, 21, 35, 35, 70, 105, 140, 280],
    "groups": [
        {  # driving and road transport
            "subjects": [
                {
                    "s": "le permis C",
                    "t": "permis C (poids lourd)",
                    "x": "Un certificat médical est exigé avant l'entrée en formation.",
                    "h": [140, 175],
                },
                {"s": "le permis CE", "t": "permis CE (super lourd)", "h": [105, 140]},
                {
                    "s": "la FIMO marchandises",
                    "t": "FIMO marchandises",
                    "x": "Formation obligatoire de 140 heures pour exercer la conduite professionnelle.",
                    "h": [140],
                },
                {
                    "s": "la FCO marchandises",
                    "t": "FCO marchandises",
                    "x": "Formation continue obligatoire à renouveler tous les cinq ans.",
                    "h": [35],
                },
                "le transport de voyageurs",
                "l'éco-conduite",
                "le chronotachygraphe",
                "la réglementation sociale européenne",
                "l'arrimage des charges",
                "le transport de matières dangereuses (ADR)",
                "la gestion de flotte",
            ],
            "notions": [
                "les temps de conduite et de repos",
                "la sécurité routière",
                "les angles morts",
                "la maintenance de premier niveau",
                "le plan de chargement",
                "les documents de transport",
                "la conduite économique",
                "les équipements obligatoires",
            ],
            "competences": [
                "conduire un poids lourd en sécurité",
                "charger et arrimer un véhicule",
                "remplir correctement un document de transport",
                "réduire la consommation de carburant",
                "respecter la réglementation sociale",
            ],
            "outils": [
                "un simulateur de conduite",
                "des porteurs et semi-remorques récents",
                "le chronotachygraphe numérique",
                "une piste privée",
            ],
            "metiers": [
                "conducteur / conductrice routier",
                "conducteur(trice) de transport en commun",
                "chauffeur-livreur / chauffeuse-livreuse",
            ],
            "publics": [
                "les conducteur·rice·s routiers",
                "les chauffeurs-livreurs",
                "les demandeurs d'emploi du secteur",
                "les gestionnaires de flotte",
                "les conducteurs et conductrices de car",
            ],
        },
        {  # warehouse and stock
            "subjects": [
                "la gestion des stocks",
                "la préparation de commandes",
                {
                    "s": "le CACES R489 (chariots élévateurs)",
                    "t": "CACES R489 chariots élévateurs",
                    "x": "Le test théorique et le test pratique sont passés en fin de session.",
                    "h": [21, 28, 35],
                },
                "la gestion d'entrepôt",
                "le WMS",
                "la réception des marchandises",
                "l'inventaire",
                "le lean management en entrepôt",
                "la gestion des quais",
                "la logistique inverse",
            ],
            "notions": [
                "les méthodes FIFO et LIFO",
                "la rotation des stocks",
                "l'adressage",
                "l'analyse ABC",
                "le stock de sécurité",
                "le point de commande",
                "la gestion des emplacements",
                "le picking",
                "la sécurité en entrepôt",
            ],
            "competences": [
                "optimiser l'implantation d'un entrepôt",
                "réduire les ruptures de stock",
                "préparer des commandes sans erreur",
                "conduire un chariot en sécurité",
                "fiabiliser les inventaires",
            ],
            "outils": [
                "un chariot élévateur",
                "le WMS de l'entrepôt",
                "les terminaux de lecture code-barres",
                "un entrepôt pédagogique",
                "Excel",
            ],
            "metiers": [
                "cariste",
                "préparateur / préparatrice de commandes",
                "agent·e magasinier",
                "gestionnaire de stock",
            ],
            "publics": [
                "les préparateur·rice·s de commandes",
                "les caristes",
                "les magasinier·ère·s",
                "les agents et agentes de quai",
                "les gestionnaires de stock",
            ],
        },
        {  # supply chain, purchasing, international
            "subjects": [
                "la supply chain",
                "l'approvisionnement",
                "le transport international",
                "les Incoterms",
                "la douane",
                "l'optimisation des tournées",
                "la logistique du dernier kilomètre",
                "la chaîne du froid en transport",
                "les achats",
                "la planification de la production",
            ],
            "notions": [
                "le taux de service",
                "les KPI logistiques",
                "les Incoterms 2020",
                "la lettre de voiture CMR",
                "les prévisions de la demande",
                "le coût complet du transport",
                "les régimes douaniers",
                "le plan d'approvisionnement",
            ],
            "competences": [
                "piloter les indicateurs de performance logistique",
                "organiser des tournées de livraison",
                "choisir le bon Incoterm",
                "négocier avec les transporteurs",
                "anticiper les besoins d'approvisionnement",
            ],
            "outils": ["un ERP", "Excel", "un logiciel d'optimisation de tournées", "des études de cas d'entreprises"],
            "metiers": [
                "technicien·ne logistique",
                "exploitant·e transport",
                "approvisionneur / approvisionneuse",
                "responsable supply chain",
            ],
            "publics": [
                "les responsables logistiques",
                "les exploitant·e·s transport",
                "les approvisionneurs/approvisionneuses",
                "les acheteurs et acheteuses",
                "les assistant·e·s import-export",
            ],
        },
    ],
    "publics": [
        "les préparateur·rice·s de commandes",
        "les caristes",
        "les conducteur·rice·s routiers",
        "les agents et agentes de quai",
        "les responsables logistiques",
        "les gestionnaires de stock",
        "les exploitant·e·s transport",
        "les chauffeurs-livreurs",
        "les approvisionneurs/approvisionneuses",
        "les demandeurs d'emploi du secteur",
        "les magasinier·ère·s",
        "les acheteurs et acheteuses",
    ],
    "titles": [
        "DT|Devenir {metier}",
        "DT|Titre professionnel {metier_cap}",
        "{T_cap} : formation initiale",
        "I|{T_cap} – recyclage",
        "{T_cap} pour {public}",
        "A|{T_cap} : optimisation des flux",
        "{metier_cap} : {T}",
    ],
    "main": [
        "Ce stage aborde {S} avec des séquences pratiques encadrées et un module dédié {a_notion}.",
        "D|Vous débutez dans la logistique ? Cette formation présente {S}, {notion} et les bons gestes au quotidien.",
        "A|Optimisez vos flux : approfondissement {de_S}, {notion} et pilotage par les indicateurs.",
        "L|Ce parcours vous prépare à devenir {metier}, avec une alternance de cours théoriques et de pratique sur {outil}.",
        "Apprenez à {competence} en maîtrisant {S} et {notion}.",
        "Pour {public}, une session concrète sur {S} illustrée par des exemples issus d'entrepôts et de plateformes.",
        "La réglementation évolue : faites le point sur {S} et sur {notion} pour rester en conformité.",
        "I|Gagnez en efficacité sur {S} grâce à des méthodes éprouvées et à l'utilisation {de_outil}.",
        "Qu'est-ce qu'une logistique performante ? Ce module sur {S} vous aide à {competence}.",
    ],
    "second": [
        "Une visite de plateforme logistique est prévue le dernier jour.",
        "Vous saurez {competence2}.",
        "Les évaluations théoriques et pratiques sont réalisées par un·e testeur·rice certifié·e.",
        "Public : {public}.",
        "Un focus est réalisé sur {notion3}.",
        "Les exercices pratiques se font sur {outil3}.",
    ],
}

THEMES["securite-prevention"] = {
    "n": 104,
    "hours": [4, 7, 7, 7, 12, 14, 14, 21, 35],
    "groups": [
        {  # first aid
            "subjects": [
                {
                    "s": "le secourisme au travail (SST)",
                    "t": "sauveteur secouriste du travail (SST)",
                    "x": "Un certificat SST valable 24 mois est délivré en cas de réussite.",
                    "h": [14],
                },
                {
                    "s": "le maintien et l'actualisation des compétences SST",
                    "t": "MAC SST",
                    "x": "Le recyclage est obligatoire tous les 24 mois pour conserver le certificat.",
                    "h": [7],
                },
                {"s": "les premiers secours (PSC1)", "t": "premiers secours PSC1", "h": [7]},
                "l'utilisation du défibrillateur",
            ],
            "notions": [
                "la protection de la victime",
                "l'alerte des secours",
                "le massage cardiaque",
                "la position latérale de sécurité",
                "les hémorragies",
                "l'étouffement",
                "les principes généraux de prévention",
            ],
            "competences": [
                "porter secours à une victime",
                "intervenir face à un accident du travail",
                "utiliser un défibrillateur",
                "alerter efficacement les secours",
                "repérer les situations dangereuses",
            ],
            "outils": [
                "des mannequins de secourisme",
                "un défibrillateur de formation",
                "le plan d'intervention SST",
                "des cas simulés avec maquillage",
            ],
            "metiers": ["sauveteur·euse secouriste du travail", "référent·e secourisme"],
        },
        {  # fire safety
            "subjects": [
                "la manipulation des extincteurs",
                "l'évacuation incendie",
                "le rôle d'équipier de première intervention",
                {
                    "s": "le SSIAP 1",
                    "t": "SSIAP 1 – agent de service de sécurité incendie",
                    "x": "L'examen final comprend un QCM, une épreuve écrite et une mise en situation.",
                    "h": [67],
                },
                "le rôle de guide-file et serre-file",
                "les permis de feu",
            ],
            "notions": [
                "le triangle du feu",
                "les classes de feu",
                "les consignes de sécurité",
                "les points de rassemblement",
                "le désenfumage",
                "le compartimentage",
                "les moyens de secours",
            ],
            "competences": [
                "utiliser un extincteur adapté au type de feu",
                "organiser l'évacuation d'un bâtiment",
                "donner l'alerte sans perdre de temps",
                "appliquer les consignes d'évacuation",
                "réaliser une ronde de sécurité",
            ],
            "outils": [
                "un bac à feu écologique",
                "un générateur de fumée froide",
                "des extincteurs à eau et à CO2",
                "un poste central de sécurité pédagogique",
            ],
            "metiers": ["agent / agente de sécurité incendie", "équipier(ère) de première intervention"],
        },
        {  # electrical risk
            "subjects": [
                {
                    "s": "l'habilitation électrique B0/H0V",
                    "t": "habilitation électrique B0/H0V",
                    "x": "Un avis après formation est transmis à l'employeur, qui délivre le titre d'habilitation.",
                    "h": [7, 10],
                },
                {
                    "s": "l'habilitation électrique BR",
                    "t": "habilitation électrique BR",
                    "x": "Un avis après formation est transmis à l'employeur, qui délivre le titre d'habilitation.",
                    "h": [21],
                },
                {"s": "l'habilitation électrique BS", "t": "habilitation électrique BS", "h": [14]},
                "la consignation électrique",
            ],
            "notions": [
                "les distances de sécurité",
                "le balisage des zones",
                "la consignation",
                "les équipements de protection individuelle",
                "le titre d'habilitation",
                "les zones d'environnement électrique",
                "les effets du courant sur le corps humain",
            ],
            "competences": [
                "réaliser des opérations d'ordre non électrique en sécurité",
                "effectuer une consignation",
                "remplacer un fusible en sécurité",
                "identifier les zones à risque électrique",
            ],
            "outils": [
                "une armoire électrique pédagogique",
                "un vérificateur d'absence de tension",
                "des cadenas de consignation",
            ],
        },
        {  # physical and chemical risks
            "subjects": [
                "les gestes et postures",
                "le travail en hauteur",
                "le port du harnais",
                "le montage des échafaudages",
                "le travail en espaces confinés",
                "le risque amiante en sous-section 4",
                "la prévention des risques chimiques",
                "la prévention des TMS",
                "la démarche PRAP",
                "le risque bruit",
                "le risque ATEX",
                "la prévention des chutes de plain-pied",
                "le risque biologique",
                "les risques routiers professionnels",
                "les EPI",
            ],
            "notions": [
                "le risque de chute",
                "le port des EPI",
                "les équipements de protection collective",
                "l'analyse de poste",
                "les fiches de données de sécurité",
                "les points d'ancrage",
                "la manutention manuelle",
                "les zones ATEX",
                "l'exposition au bruit",
            ],
            "competences": [
                "travailler en hauteur en toute sécurité",
                "proposer des améliorations de poste",
                "manipuler des produits chimiques sans danger",
                "adopter les bons gestes de manutention",
                "monter un échafaudage conforme",
            ],
            "outils": [
                "un échafaudage de démonstration",
                "des harnais et longes",
                "des fiches de données de sécurité",
                "des vidéos de l'INRS",
                "un mannequin articulé",
            ],
        },
        {  # prevention management
            "subjects": [
                "le document unique d'évaluation des risques",
                "le plan de prévention",
                "l'analyse des accidents du travail",
                "le rôle du référent sécurité",
                "l'accueil sécurité des nouveaux arrivants",
            ],
            "notions": [
                "l'évaluation des risques",
                "les principes généraux de prévention",
                "l'arbre des causes",
                "les obligations de l'employeur",
                "les entreprises extérieures",
                "les indicateurs de sécurité",
            ],
            "competences": [
                "mettre à jour le document unique",
                "analyser un accident avec l'arbre des causes",
                "rédiger un plan de prévention",
                "animer un quart d'heure sécurité",
                "accueillir un nouvel arrivant en sécurité",
            ],
            "outils": [
                "des modèles de document unique",
                "des vidéos de l'INRS",
                "la méthode de l'arbre des causes",
                "des grilles d'audit",
            ],
            "metiers": ["préventeur / préventrice", "chargé(e) de prévention", "animateur·rice QHSE"],
        },
    ],
    "publics": [
        "tous les salarié·e·s",
        "les membres du CSE",
        "les agents de sécurité",
        "les chargé·e·s de prévention",
        "les électricien·ne·s",
        "les personnels non électriciens",
        "les chef·fe·s d'équipe",
        "les animateurs/animatrices sécurité",
        "les salarié-e-s désigné-e-s",
        "les travailleurs et travailleuses exposés",
        "les référents santé-sécurité",
        "les agent·e·s d'entretien",
    ],
    "metiers": [
        "préventeur / préventrice",
        "chargé(e) de prévention",
        "animateur·rice QHSE",
    ],
    "titles": [
        "DT|{T_cap} – formation initiale",
        "I|{T_cap} – recyclage",
        "{T_cap} pour {public}",
        "DT|Devenir {metier}",
        "Sécurité au travail : {T}",
        "Sensibilisation : {T}",
        "{T_cap} : exercices pratiques",
    ],
    "main": [
        "Formation réglementaire sur {S} : théorie, exercices pratiques avec {outil} et évaluation certificative.",
        "Chaque salarié peut être un maillon de la prévention : ce stage sur {S} vous apprend à {competence}.",
        "D|Sensibilisation {a_S} : comprendre les risques, adopter les bons gestes et connaître {notion}.",
        "I|Recyclage {de_S} pour les titulaires : mise à jour réglementaire, {notion} et retour sur des accidents récents.",
        "Savoir réagir vite sauve des vies ! La formation porte sur {S}, {notion} et {notion2}.",
        "Conforme aux recommandations de l'INRS, ce module sur {S} s'adresse {a_public}.",
        "Mises en situation réalistes avec {outil} pour maîtriser {S} et {notion}.",
        "En {duree_txt}, les stagiaires acquièrent les compétences nécessaires pour {competence}.",
        "Pourquoi la prévention est-elle l'affaire de tous ? Réponses concrètes autour {de_S}, à partir de vos propres situations de travail.",
    ],
    "second": [
        "Une attestation de formation est délivrée à l'issue de la session.",
        "Vous serez capable {de_competence2}.",
        "Formation intra-entreprise possible sur votre site.",
        "Public : {public}.",
        "Tenue adaptée recommandée pour les exercices pratiques.",
        "Le module « Gestes et postures » peut être ajouté sur demande.",
        "Un focus est réalisé sur {notion3}.",
    ],
}

THEMES["bureautique"] = {
    "n": 116,
    "hours": [3, 4, 7, 7, 7, 14, 14, 21, 28, 35],
    "groups": [
        {  # spreadsheets and databases
            "subjects": [
                "Excel",
                "les tableaux croisés dynamiques",
                "les macros VBA",
                "Power Query",
                "Google Sheets",
                "les formules Excel",
                "les graphiques Excel",
                "la mise en forme conditionnelle",
                "Access",
                "Excel pour la comptabilité",
                {"s": "les fonctions RECHERCHEX et INDEX/EQUIV", "t": "fonctions RECHERCHEX et INDEX/EQUIV"},
                "LibreOffice Calc",
            ],
            "notions": [
                "les références absolues et relatives",
                "les filtres et tris",
                "les fonctions SI et RECHERCHEV",
                "les segments",
                "la validation des données",
                "l'enregistrement de macros",
                "les tableaux structurés",
                "les graphiques combinés",
                "la consolidation de données",
            ],
            "competences": [
                "créer des tableaux de calcul fiables",
                "analyser rapidement un grand volume de données",
                "automatiser une tâche répétitive",
                "construire un graphique lisible",
                "fiabiliser la saisie dans un classeur partagé",
            ],
            "outils": ["Excel 365", "Office 2021", "des fichiers d'exercices", "LibreOffice Calc", "Google Sheets"],
        },
        {  # word processing and presentations
            "subjects": [
                "Word",
                "PowerPoint",
                "le publipostage",
                "la dactylographie",
                "les documents longs sous Word",
                "la suite LibreOffice",
                "la prise de notes numérique",
            ],
            "notions": [
                "les styles de titres",
                "la table des matières",
                "les masques de diapositives",
                "les modèles de documents",
                "le suivi des modifications",
                "les sections et en-têtes",
                "les animations sobres",
                "la frappe à l'aveugle",
            ],
            "competences": [
                "mettre en forme un rapport professionnel",
                "concevoir une présentation claire et percutante",
                "créer un modèle de document réutilisable",
                "réaliser un courrier personnalisé en nombre",
                "gagner du temps au quotidien",
            ],
            "outils": ["Word", "PowerPoint", "Office 2021", "des fichiers d'exercices", "LibreOffice Writer"],
        },
        {  # email, collaboration, digital environment
            "subjects": [
                "Outlook",
                "Google Workspace",
                "Microsoft Teams",
                "SharePoint",
                "OneDrive",
                "la gestion des e-mails",
                "l'environnement Windows",
                "Copilot pour Microsoft 365",
                "la gestion de fichiers et dossiers",
                "les raccourcis clavier",
                "la visioconférence",
                "Notion",
                "Trello",
                "la sécurité informatique au quotidien",
                "les bases de l'informatique",
            ],
            "notions": [
                "les règles de messagerie",
                "le partage et la co-édition",
                "les sauvegardes",
                "l'organisation de l'arborescence",
                "les mots de passe",
                "le hameçonnage",
                "les canaux et les équipes",
                "l'automatisation des tâches répétitives",
                "la gestion des agendas",
            ],
            "competences": [
                "organiser efficacement une boîte de réception",
                "collaborer efficacement sur des documents partagés",
                "gagner du temps au quotidien",
                "reconnaître un e-mail frauduleux",
                "animer une réunion à distance sans accroc",
            ],
            "outils": ["Microsoft 365", "Teams", "Google Drive", "l'explorateur Windows", "des fichiers d'exercices"],
        },
    ],
    "publics": [
        "les assistant·e·s",
        "les secrétaires",
        "les salarié·e·s de bureau",
        "les gestionnaires administratifs",
        "les personnes peu à l'aise avec l'ordinateur",
        "les seniors",
        "les managers",
        "les chargé·e·s de mission",
        "les employé(e)s administratifs(ves)",
        "les utilisateur·rice·s de Microsoft 365",
        "les agents et agentes territoriaux",
        "les demandeur·euse·s d'emploi",
    ],
    "metiers": [
        "assistant(e) administratif(ve)",
        "secrétaire médical(e)",
        "assistant·e de direction",
        "employé / employée administratif",
        "office manager",
    ],
    "titles": [
        "{T_cap} – certification TOSA",
        "{T_cap} pour {public}",
        "Astuces et raccourcis : {T}",
        "{T_cap} au quotidien",
        "D|{T_cap} : premiers pas",
        "I|{T_cap} : fonctions avancées",
        "A|{T_cap} : automatiser et fiabiliser",
        "Remise à niveau {de_S}",
        "DT|Devenir {metier}",
    ],
    "main": [
        "D|Prise en main {de_S} : interface, {notion} et premiers documents, à votre rythme.",
        "Gagnez du temps avec {S} ! Cette formation vous apprend à {competence}.",
        "A|Niveau expert sur {S} : {notion}, {notion2} et automatisations avancées.",
        "Vous utilisez {S} tous les jours sans en exploiter toutes les possibilités ? Ce module vous fait découvrir {notion} et bien d'autres astuces.",
        "Au programme : {notion}, {notion2} et nombreux exercices pratiques sur {outil}.",
        "Destinée {a_public}, cette formation sur {S} est construite à partir de cas issus du quotidien professionnel.",
        "I|Consolidez vos acquis sur {S} et découvrez {notion} pour {competence}.",
        "DT|En {duree_txt}, apprivoisez {S} : méthodes simples, {notion} et fiches mémo.",
        "Formation individuelle ou en petit groupe sur {S}, adaptée au niveau de chacun·e après un test de positionnement.",
        "Le module « {T_cap} » vous permet {de_competence} sans stress.",
    ],
    "second": [
        "Possibilité de passer la certification TOSA ou ICDL en fin de parcours.",
        "Les exercices sont réalisés sur {outil3}.",
        "Vous saurez {competence2}.",
        "Un support récapitulatif des raccourcis utiles est remis à chaque stagiaire.",
        "Public : {public}.",
        "Un focus est réalisé sur {notion3}.",
    ],
}

THEMES["developpement-durable"] = {
    "n": 60,
    "hours": [3, 4, 7, 7, 14, 14, 21, 35],
    "subjects": [
        "la responsabilité sociétale des entreprises (RSE)",
        "le bilan carbone",
        {
            "s": "la directive CSRD",
            "t": "directive CSRD",
            "x": "Les normes ESRS et le calendrier d'application sont présentés.",
        },
        "l'économie circulaire",
        "la sobriété énergétique",
        "les achats responsables",
        "l'éco-conception",
        "la gestion des déchets",
        "la norme ISO 14001",
        "le reporting extra-financier",
        {
            "s": "la Fresque du Climat",
            "t": "Fresque du Climat",
            "x": "L'atelier est animé par un·e fresqueur·euse certifié·e.",
            "h": [3],
        },
        "la biodiversité en entreprise",
        "la mobilité durable",
        "le numérique responsable",
        "l'alimentation durable",
        "la finance verte",
        "l'analyse du cycle de vie",
        "la communication responsable",
        "la démarche zéro déchet",
        "l'adaptation au changement climatique",
        "le management environnemental",
        "l'éco-responsabilité au bureau",
    ],
    "publics": [
        "les responsables RSE",
        "les dirigeant·e·s",
        "les acheteur·euse·s",
        "les chargé·e·s de mission développement durable",
        "tous les collaborateurs et collaboratrices",
        "les élu·e·s et agent·e·s des collectivités",
        "les responsables QSE",
        "les salarié-e-s engagé-e-s",
        "les designers et chef·fe·s de produit",
        "les étudiant.e.s",
    ],
    "metiers": [
        "responsable RSE",
        "chargé / chargée de mission développement durable",
        "animateur·rice QSE",
        "conseiller ou conseillère en transition écologique",
    ],
    "outils": [
        "la méthode Bilan Carbone®",
        "le GHG Protocol",
        "des indicateurs ESG",
        "le référentiel ISO 26000",
        "la Base Empreinte de l'ADEME",
        "des outils d'ACV simplifiée",
        "des serious games",
    ],
    "notions": [
        "les émissions de scope 3",
        "la double matérialité",
        "les parties prenantes",
        "la trajectoire de décarbonation",
        "les objectifs de développement durable",
        "le greenwashing",
        "la hiérarchie des déchets",
        "l'efficacité énergétique",
        "l'empreinte numérique",
        "le devoir de vigilance",
        "les critères ESG",
    ],
    "competences": [
        "réaliser un premier bilan des émissions de gaz à effet de serre",
        "construire une feuille de route RSE",
        "préparer le reporting CSRD",
        "sensibiliser les équipes aux enjeux climatiques",
        "intégrer des critères durables dans les achats",
        "éviter le greenwashing dans la communication",
        "réduire la consommation d'énergie d'un site",
    ],
    "titles": [
        "{T_cap} : passer à l'action",
        "{T_cap} pour {public}",
        "DT|Devenir {metier}",
        "Atelier {T}",
        "Transition écologique : {T}",
        "A|{T_cap} : méthodes et indicateurs",
    ],
    "main": [
        "Comprendre pour agir : cette formation présente {S} et donne des pistes concrètes pour {competence}.",
        "D|Sensibilisation {a_S} en format atelier, pour que chacun·e mesure son impact et identifie des leviers d'action.",
        "A|Approfondissement technique {de_S} : {notion}, {notion2} et retours d'expérience d'entreprises pionnières.",
        "La transition écologique est désormais un enjeu stratégique ; ce module sur {S} vous aide à {competence}.",
        "Pensée pour {public}, la session articule {S}, {notion} et mise en œuvre opérationnelle.",
        "Comment {competence} ? Réponses à partir {de_outil} et d'exemples sectoriels.",
        "Parcours-action sur {S} : diagnostic, plan d'action et indicateurs de suivi, autour {de_notion}.",
        "I|Vous avez lancé une démarche ? Structurez-la grâce {a_S} et évitez les écueils liés {a_notion}.",
    ],
    "second": [
        "Les exercices s'appuient sur {outil3}.",
        "Vous saurez {competence2}.",
        "La formation est animée par un·e consultant·e spécialisé·e en transition écologique.",
        "Public : {public}.",
        "Un temps est consacré à la réglementation française et européenne.",
        "Chaque participant·e repart avec trois actions prioritaires à mettre en place.",
    ],
}

THEMES["ressources-humaines"] = {
    "n": 86,
    "hours": [7, 7, 14, 14, 21, 21, 35, 70],
    "groups": [
        {  # recruitment and talent
            "subjects": [
                "le recrutement",
                "l'entretien d'embauche",
                "l'onboarding",
                "la marque employeur",
                "la gestion des talents",
                "le recrutement sans discrimination",
                "la mobilité interne",
                "la diversité et l'inclusion",
                "le handicap en entreprise",
                "les entretiens de départ",
            ],
            "notions": [
                "les questions interdites en entretien",
                "la fiche de poste",
                "les critères de sélection",
                "les biais de recrutement",
                "l'expérience collaborateur",
                "la fidélisation des talents",
                "l'aménagement des postes",
                "le sourcing sur les réseaux sociaux",
            ],
            "competences": [
                "conduire un entretien de recrutement structuré",
                "construire un parcours d'intégration",
                "prévenir les risques de discrimination",
                "rédiger une offre d'emploi attractive",
                "fidéliser les nouvelles recrues",
            ],
            "outils": [
                "des grilles d'entretien",
                "LinkedIn Recruiter",
                "des simulations d'entretiens",
                "un logiciel de suivi des candidatures",
            ],
            "metiers": ["chargé·e de recrutement", "chargé(e) de développement RH", "responsable RH"],
        },
        {  # payroll and HR administration
            "subjects": [
                {"s": "la paie", "x": "Les évolutions des taux de cotisations au 1er janvier sont intégrées."},
                "l'administration du personnel",
                "la DSN",
                "la gestion des absences",
                "le SIRH",
                "la rémunération et les avantages sociaux",
            ],
            "notions": [
                "les cotisations sociales",
                "le bulletin de salaire",
                "les obligations légales",
                "les indemnités journalières",
                "les congés payés",
                "la confidentialité",
                "les registres obligatoires",
            ],
            "competences": [
                "établir un bulletin de paie",
                "fiabiliser la DSN mensuelle",
                "gérer les absences et congés",
                "tenir les registres obligatoires",
                "expliquer un bulletin de salaire à un·e salarié·e",
            ],
            "outils": ["Silae", "un SIRH", "des modèles de documents RH", "Sage Paie"],
            "metiers": ["gestionnaire de paie", "assistant / assistante ressources humaines"],
        },
        {  # development, social dialogue, working conditions
            "subjects": [
                "l'entretien professionnel",
                "l'entretien annuel",
                "la gestion des emplois et des parcours professionnels (GEPP)",
                "la formation professionnelle",
                "le plan de développement des compétences",
                "la qualité de vie et des conditions de travail (QVCT)",
                "le dialogue social",
                "le CSE",
                "l'égalité professionnelle femmes-hommes",
                "la prévention du harcèlement",
                "le télétravail",
                "les ruptures du contrat de travail",
                "l'index égalité",
                "la fonction RH pour managers",
            ],
            "notions": [
                "le compte personnel de formation",
                "la cartographie des compétences",
                "les accords d'entreprise",
                "les obligations légales",
                "les indicateurs sociaux",
                "les risques psychosociaux",
                "la consultation du CSE",
                "les écarts de rémunération",
            ],
            "competences": [
                "mener l'entretien professionnel obligatoire",
                "élaborer le plan de développement des compétences",
                "préparer les réunions du CSE",
                "piloter les indicateurs RH",
                "négocier un accord de télétravail",
                "traiter un signalement de harcèlement",
            ],
            "outils": [
                "la matrice des compétences",
                "des modèles de documents RH",
                "le Code du travail",
                "des études de cas",
            ],
            "metiers": [
                "responsable RH",
                "conseiller ou conseillère en évolution professionnelle",
                "assistant / assistante ressources humaines",
            ],
        },
    ],
    "publics": [
        "les chargé·e·s de recrutement",
        "les responsables RH",
        "les assistant(e)s RH",
        "les gestionnaires de paie",
        "les managers",
        "les élu·e·s du CSE",
        "les dirigeant·e·s de PME",
        "les référent·e·s handicap",
        "les salarié·e·s",
        "les DRH",
        "les chargés et chargées de formation",
        "les collaborateurs et collaboratrices RH",
    ],
    "titles": [
        "{T_cap} : cadre légal et pratiques",
        "{T_cap} pour {public}",
        "DT|Devenir {metier}",
        "Réussir {S}",
        "{T_cap} : actualité {annee}",
        "RH : {T}",
        "{metier_cap} : {T}",
    ],
    "main": [
        "Cette formation RH couvre {S} de A à Z : cadre légal, {notion} et outils pratiques.",
        "Recruter, fidéliser, accompagner : ce module sur {S} vous apprend à {competence}.",
        "D|Les essentiels {de_S} pour {public} : obligations, méthode et {notion}.",
        "A|Cas complexes et jurisprudence : un approfondissement {de_S} centré sur {notion} et {notion2}.",
        "Comment {competence} ? Méthodes, outils comme {outil} et retours d'expérience.",
        "Pensée pour {public}, cette session aborde {S} sous un angle très opérationnel.",
        "I|Vous gérez déjà {S} ? Professionnalisez vos pratiques en travaillant {notion} et l'usage {de_outil}.",
        "Au cœur de la fonction RH, {S} conditionne l'engagement des salarié·e·s ; ce stage vous donne les moyens {de_competence}.",
    ],
    "second": [
        "Des modèles de documents prêts à l'emploi sont fournis.",
        "Vous saurez {competence2}.",
        "Public : {public}.",
        "Un point est fait sur les dernières évolutions légales.",
        "Les exercices s'appuient sur {outil3}.",
        "Un focus est réalisé sur {notion3}.",
    ],
}

# ---------------------------------------------------------------------------
# Messy rows (hand-written replacements)
# ---------------------------------------------------------------------------

ENGLISH_ROWS = {
    "programmation": (
        "Introduction to Python Programming",
        "Learn the basics of Python: variables, loops, functions and small scripts. "
        "No prior coding experience required.",
    ),
    "data-ia": (
        "Machine Learning Fundamentals",
        "This hands-on course covers supervised and unsupervised learning with scikit-learn, "
        "from data preparation to model evaluation.",
    ),
    "marketing-digital": (
        "Social Media Strategy for Small Businesses",
        "Build a content calendar, grow your audience on Instagram and LinkedIn, "
        "and measure what really works for your brand.",
    ),
    "management-leadership": (
        "Leading Remote Teams",
        "Practical tools to keep hybrid teams engaged, run effective online meetings "
        "and give feedback across time zones.",
    ),
}

LONG_DESCRIPTION = (
    "Cette formation longue prépare au titre professionnel de maçon ou maçonne, inscrit au RNCP, "
    "et s'adresse aussi bien aux personnes en reconversion qu'aux jeunes sortis du système scolaire "
    "sans qualification. Le parcours démarre par une période d'intégration consacrée à la sécurité "
    "sur chantier, au port des équipements de protection individuelle et à la lecture de plans "
    "simples. Viennent ensuite les modules techniques : implantation d'un ouvrage, réalisation de "
    "fondations, montage de murs en blocs béton et en briques, pose de linteaux, coffrage et "
    "ferraillage de poteaux et de poutres, coulage de dalles et réalisation d'enduits traditionnels. "
    "Chaque module alterne démonstrations du formateur, exercices sur le plateau technique et "
    "mises en situation sur un chantier école reproduisant les conditions réelles du métier. "
    "Deux périodes en entreprise, de quatre semaines chacune, permettent d'appliquer les acquis "
    "auprès d'artisans partenaires et, bien souvent, de décrocher une première embauche. "
    "Un accompagnement individualisé est assuré tout au long du parcours : entretiens de suivi, "
    "remise à niveau en mathématiques appliquées si nécessaire, aide à la recherche de stage et "
    "préparation à l'entretien d'embauche. La formation se termine par une session d'examen "
    "devant un jury de professionnels, comprenant une mise en situation de plusieurs heures, "
    "un entretien technique et l'étude du dossier professionnel. Les candidat·e·s qui ne valident "
    "qu'une partie des compétences peuvent obtenir des certificats de compétences professionnelles "
    "(CCP) et compléter leur parcours plus tard."
)

# ---------------------------------------------------------------------------
# Small French helpers
# ---------------------------------------------------------------------------

ELISION_VOWELS = "aeiouyàâäéèêëîïôöùûüœAEIOUYÀÂÉÈÊÎÔŒ"


def a_(x):
    """'à' + x with the usual contractions (au, aux)."""
    if x.startswith("le "):
        return "au " + x[3:]
    if x.startswith("les "):
        return "aux " + x[4:]
    return "à " + x


def de_(x):
    """'de' + x with contractions and elision (du, des, d')."""
    if x.startswith("le "):
        return "du " + x[3:]
    if x.startswith("les "):
        return "des " + x[4:]
    if x.startswith("des "):
        return de_(x[4:])
    if x.startswith(("la ", "l'")):
        return "de " + x
    if x[:1] in ELISION_VOWELS:
        return "d'" + x
    return "de " + x


def jusqua_(x):
    return "jusqu'" + a_(x)


def cap(s):
    return s[:1].upper() + s[1:] if s else s


def cap_pair(s):
    """'chef / cheffe de chantier' -> 'Chef / Cheffe de chantier'."""
    return " / ".join(cap(part) for part in s.split(" / "))


def strip_article(s):
    """'la couverture et la zinguerie' -> 'couverture et zinguerie'."""
    for art in ("le ", "la ", "les ", "l'"):
        if s.startswith(art):
            s = s[len(art) :]
            break
    for art in ("le ", "la ", "les ", "l'"):
        s = s.replace(" et " + art, " et ")
    return s


def norm_subject(entry, group=None):
    if isinstance(entry, str):
        entry = {"s": entry}
    out = dict(entry)
    out.setdefault("t", strip_article(out["s"]))
    out["group"] = group or {}
    return out


def theme_subjects(theme):
    """All subjects of a theme; grouped ones carry their group's own pools."""
    subjects = [norm_subject(s) for s in theme.get("subjects", [])]
    for group in theme.get("groups", []):
        subjects += [norm_subject(s, group) for s in group["subjects"]]
    return subjects


DUREE_TXT = {
    3: "trois heures",
    4: "une demi-journée",
    7: "une journée",
    14: "deux jours",
    21: "trois jours",
    28: "quatre jours",
    35: "cinq jours",
}

POOL_NAMES = {
    "notion": "notions",
    "outil": "outils",
    "public": "publics",
    "metier": "metiers",
    "competence": "competences",
    "cas": "cas",
    "projet": "projet",
}

LEVEL_MODULE = {"débutant": "1", "intermédiaire": "2", "avancé": "3"}


class Ctx(dict):
    """Lazy template context: every placeholder is drawn once per row."""

    def __init__(self, rng, theme, subject, level):
        super().__init__()
        self.rng = rng
        self.theme = theme
        self.group = subject["group"]
        self["S"] = subject["s"]
        self["T"] = subject["t"]
        self["k"] = LEVEL_MODULE.get(level) or rng.choice(["1", "2"])

    def set_hours(self, hours):
        self["duree_txt"] = DUREE_TXT.get(hours, f"{hours} heures")

    def __missing__(self, key):
        for prefix, fn in (("a_", a_), ("de_", de_), ("jusqua_", jusqua_)):
            if key.startswith(prefix):
                value = fn(self[key[len(prefix) :]])
                self[key] = value
                return value
        if key.endswith("_cap"):
            base = key[:-4]
            value = cap_pair(self[base]) if base == "metier" else cap(self[base])
            self[key] = value
            return value
        base = key.rstrip("0123456789")
        name = POOL_NAMES.get(base)
        if name and name in self.group:
            pool = self.group[name]
        elif name and name in self.theme:
            pool = self.theme[name]
        elif base in SHARED_POOLS:
            pool = SHARED_POOLS[base]
        else:
            raise KeyError(key)
        taken = [v for k, v in self.items() if k.rstrip("0123456789") == base]
        own = (self["S"].lower(), self["T"].lower())
        choices = [v for v in pool if v not in taken and v.lower() not in own] or pool
        value = self.rng.choice(choices)
        self[key] = value
        return value


def split_tag(pattern):
    """'DT|text' -> ('DT', 'text'); untagged patterns fit every level."""
    head, sep, rest = pattern.partition("|")
    if sep and len(head) <= 4 and set(head) <= set("DIATL"):
        return head, rest
    return "", pattern


def fits(pattern, level):
    levels = [c for c in split_tag(pattern)[0] if c in "DIAT"] or "DIAT"
    return LEVEL_TAG[level] in levels


def body(pattern):
    return split_tag(pattern)[1]


def words(text):
    return len(text.split())


def repeats_word(text):
    """True for titles such as 'Prévention : prévention des TMS'."""
    seen = [w.strip(":;,.!?()«»–-").lower() for w in text.replace("'", " ").split()]
    long_words = [w for w in seen if len(w) >= 5]
    return len(long_words) != len(set(long_words))


# ---------------------------------------------------------------------------
# Row generation
# ---------------------------------------------------------------------------

LONG_TITLE_MARKERS = ("Devenir", "Titre professionnel", "Bootcamp")
PLURAL_VERB = re.compile(r"\{S\} (?:exige|engage|conditionne|n'aura|impose)")


def is_plural(s):
    return s.startswith("les ") or " et " in s


def pattern_ok(pattern, subject, hours=None):
    """Reject a few combinations that would give broken or odd French."""
    t = subject["t"]
    if "d'{T}" in pattern and (t[:1] not in ELISION_VOWELS or "(" in t or "–" in t):
        return False
    if ("{T}" in pattern or "_T}" in pattern) and "–" in t:
        return False
    if PLURAL_VERB.search(pattern) and is_plural(subject["s"]):
        return False  # "{S} exige ..." needs a singular subject
    if "{T_cap} avec {outil}" in pattern and t[:1].isupper():
        return False
    if hours is not None:
        if "{duree_txt}" in pattern and hours > 35:
            return False
        if "L" in split_tag(pattern)[0] and hours < 105:
            return False
    return True


def make_title(rng, theme, subject, level, ctx):
    own = [p for p in theme["titles"] if fits(p, level)]
    generic = [p for p in GENERIC_TITLES if fits(p, level)]
    for _ in range(30):
        pattern = body(rng.choice(own if rng.random() < 0.55 else generic))
        if not pattern_ok(pattern, subject):
            continue
        title = cap(pattern.format_map(ctx))
        if 2 <= words(title) <= 12 and not repeats_word(title):
            return title, pattern
    return cap(subject["t"]) + " : les fondamentaux", ""


def pick_hours(rng, theme, subject, title_pattern):
    if "h" in subject:
        return rng.choice(subject["h"])
    hours = sorted(theme["hours"])
    if any(marker in title_pattern for marker in LONG_TITLE_MARKERS):
        return rng.choice(hours[len(hours) // 2 :])
    return rng.choice([h for h in hours if h <= 70])


def make_description(rng, theme, subject, level, hours, ctx):
    mains = [p for p in theme["main"] if fits(p, level)]
    seconds = [p for p in theme["second"] if fits(p, level)]
    extras = [p for p in GENERIC_EXTRAS if fits(p, level)]
    best = None
    for _ in range(25):
        pattern = rng.choice(mains)
        if not pattern_ok(pattern, subject, hours):
            continue
        sentences = [body(pattern).format_map(ctx)]
        n = rng.choices([1, 2, 3], weights=[25, 45, 30])[0]
        if any(mark in sentences[0] for mark in (". ", "? ", "! ")):
            n = min(n, 2)  # the main pattern already holds two sentences
        if n >= 2:
            if "x" in subject and rng.random() < 0.5:
                sentences.append(subject["x"])
            elif rng.random() < 0.75:
                sentences.append(body(rng.choice(seconds)).format_map(ctx))
            else:
                sentences.append(body(rng.choice(extras)))
        if n >= 3:
            third = body(rng.choice(extras))
            if third not in sentences:
                sentences.append(third)
        text = " ".join(cap(s) for s in sentences)
        if 15 <= words(text) <= 60:
            return text
        best = text
    return best


def base_rows(rng):
    rows = []
    used_titles = set()
    for theme_name, theme in THEMES.items():
        subjects = theme_subjects(theme)
        for i in range(theme["n"]):
            # walk through the subjects so that each one is used, then at random
            subject = subjects[i] if i < len(subjects) else rng.choice(subjects)
            for _ in range(40):
                level = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
                ctx = Ctx(rng, theme, subject, level)
                title, title_pattern = make_title(rng, theme, subject, level, ctx)
                if title.lower() not in used_titles:
                    break
                subject = rng.choice(subjects)
            used_titles.add(title.lower())
            hours = pick_hours(rng, theme, subject, title_pattern)
            ctx.set_hours(hours)
            description = make_description(rng, theme, subject, level, hours, ctx)
            rows.append(
                {
                    "title": title,
                    "description": description,
                    "theme": theme_name,
                    "level": level,
                    "duration_hours": hours,
                    "quirk": "",
                }
            )
    return rows


# ---------------------------------------------------------------------------
# Typography: apostrophes and non-breaking spaces
# ---------------------------------------------------------------------------

NBSP, NNBSP = "\u00a0", "\u202f"


def typographic_apostrophes(text):
    return text.replace("'", "\u2019")


def straight_apostrophes(text):
    return text.replace("\u2019", "'")


def french_spacing(text, rng):
    """Non-breaking space before : ; ? ! and inside « »."""
    thin = rng.random() < 0.4
    for mark in ":;?!":
        space = NNBSP if (thin and mark != ":") else NBSP
        text = text.replace(" " + mark, space + mark)
    return text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")


def apply_typography(rng, row):
    draw = rng.random()
    if draw < TYPOGRAPHIC_APOSTROPHE_SHARE - 0.04:
        row["title"] = typographic_apostrophes(row["title"])
        row["description"] = typographic_apostrophes(row["description"])
    elif draw < TYPOGRAPHIC_APOSTROPHE_SHARE:
        # copy-paste accident: only the description uses the curly apostrophe
        row["description"] = typographic_apostrophes(row["description"])
    draw = rng.random()
    if draw < 0.18:
        row["title"] = french_spacing(row["title"], rng)
        row["description"] = french_spacing(row["description"], rng)
    elif draw < 0.24:
        # English-style spacing ("Objectif: ...")
        for mark in ":;?!":
            row["description"] = row["description"].replace(" " + mark, mark)


# ---------------------------------------------------------------------------
# Quirks: messy rows and near-duplicates
# ---------------------------------------------------------------------------


def html_remnants(text):
    """Simulate a description pasted from a web page: <p>, <br> and &amp;."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if " et " in sentences[0]:
        sentences[0] = sentences[0].replace(" et ", " &amp; ", 1)
    else:
        sentences[0] = "Théorie &amp; pratique<br>" + sentences[0]
    html = "<br>".join(sentences)
    if "<br>" not in html:
        html += "<br><br>"
    return "<p>" + html + "</p>"


def add_messy_rows(rng, rows):
    """Turn 15 generated rows into messy ones (the theme is kept)."""
    by_theme = {}
    for idx, row in enumerate(rows):
        by_theme.setdefault(row["theme"], []).append(idx)
    taken = []

    def pick(theme=None):
        pool = by_theme[theme] if theme else list(range(len(rows)))
        idx = rng.choice([i for i in pool if i not in taken])
        taken.append(idx)
        return rows[idx]

    for kind, theme, value in [
        ("empty description", "droit", ""),
        ("empty description", "logistique-transport", ""),
        ("whitespace-only description", "bureautique", "   "),
        ("whitespace-only description", "sante-soins", " \t\n "),
        ("description 'N/A'", "langues-etrangeres", "N/A"),
        ("description is just a number", "hotellerie-restauration", "2024"),
    ]:
        row = pick(theme)
        row["description"] = value
        row["quirk"] = kind

    row = pick("metiers-du-batiment")
    row["title"] = "Titre professionnel Maçon / Maçonne (parcours complet)"
    row["description"] = LONG_DESCRIPTION
    row["level"] = "débutant"
    row["duration_hours"] = 805
    row["quirk"] = "very long description (>1,200 characters)"

    for theme, (title, description) in ENGLISH_ROWS.items():
        row = pick(theme)
        row["title"], row["description"] = title, description
        row["quirk"] = "row in English"

    row = pick("securite-prevention")
    row["title"], row["description"] = row["title"].upper(), row["description"].upper()
    row["quirk"] = "all uppercase"

    for theme in ("design-graphique", "enseignement-pedagogie"):
        row = pick(theme)
        row["description"] = html_remnants(row["description"])
        row["quirk"] = "HTML remnants (<p>, <br>, &amp;)"

    row = pick("marketing-digital")
    row["title"] = row["title"] + " 🚀"
    row["description"] = "🔥 Nouveau ! " + row["description"] + " 👉 Places limitées ✅"
    row["quirk"] = "emoji"
    return taken


WORD_SWAPS = [
    ("exercices", "travaux pratiques"),
    ("notamment", "en particulier"),
    ("concrète", "pratique"),
    ("concrets", "pratiques"),
    ("Apprenez", "Découvrez"),
    ("Au programme", "Programme"),
    ("formateur", "intervenant"),
    ("stagiaires", "participants"),
    ("session", "formation"),
    ("module", "cours"),
    ("grâce à", "avec"),
    ("réels", "authentiques"),
    ("Public :", "Public visé :"),
    ("vous apprend", "vous enseigne"),
    ("Cette formation", "Cette action"),
    ("stage", "module"),
    ("outils", "méthodes"),
    ("rapidement", "vite"),
]


def near_duplicate(rng, row):
    dup = dict(row)
    kind = rng.choice(["level", "session 2", "apostrophe", "word", "punctuation", "duration"])
    if kind == "level":
        dup["level"] = rng.choice([lv for lv in LEVELS if lv != row["level"]])
        change = f"level {row['level']} -> {dup['level']}"
    elif kind == "session 2":
        dup["title"] = row["title"] + rng.choice([" (session 2)", " – session 2", " (2e session)"])
        change = "title suffix (session 2)"
    elif kind == "apostrophe" and (
        "'" in row["title"] + row["description"] or "\u2019" in row["title"] + row["description"]
    ):
        if "\u2019" in row["title"] + row["description"]:
            dup["title"] = straight_apostrophes(row["title"])
            dup["description"] = straight_apostrophes(row["description"])
            change = "typographic -> straight apostrophes"
        else:
            dup["title"] = typographic_apostrophes(row["title"])
            dup["description"] = typographic_apostrophes(row["description"])
            change = "straight -> typographic apostrophes"
    elif kind == "word" and any(old in row["description"] for old, _ in WORD_SWAPS):
        old, new = rng.choice([(o, n) for o, n in WORD_SWAPS if o in row["description"]])
        dup["description"] = row["description"].replace(old, new, 1)
        change = f"one word: '{old}' -> '{new}'"
    elif kind == "duration":
        dup["duration_hours"] = row["duration_hours"] + rng.choice([-3, 7, 7, 14])
        if dup["duration_hours"] <= 0:
            dup["duration_hours"] = row["duration_hours"] + 7
        change = f"duration {row['duration_hours']} -> {dup['duration_hours']}"
    else:
        desc = row["description"]
        if desc.endswith("."):
            dup["description"] = desc[:-1]
            change = "final period removed"
        else:
            dup["description"] = desc + " !"
            change = "exclamation mark added"
        if rng.random() < 0.5 and " : " in row["title"]:
            dup["title"] = row["title"].replace(" : ", " - ", 1)
            change += "; ' : ' -> ' - ' in title"
    dup["quirk"] = "near-duplicate: " + change
    return dup


def build():
    rng = random.Random(SEED)
    rows = base_rows(rng)
    for row in rows:
        apply_typography(rng, row)
    messy = add_messy_rows(rng, rows)
    candidates = [i for i in range(len(rows)) if i not in messy]
    originals = rng.sample(candidates, N_NEAR_DUPLICATES)
    pairs = []
    for idx in originals:
        dup = near_duplicate(rng, rows[idx])
        dup["duplicate_of"] = idx
        pairs.append(dup)
    all_rows = [dict(r, base_index=i) for i, r in enumerate(rows)] + pairs
    rng.shuffle(all_rows)
    index_to_id = {}
    for n, row in enumerate(all_rows, start=1):
        row["id"] = f"C{n:04d}"
        if "base_index" in row:
            index_to_id[row["base_index"]] = row["id"]
    for row in all_rows:
        if "duplicate_of" in row:
            row["duplicate_of"] = index_to_id[row["duplicate_of"]]
    add_offer(all_rows)
    return all_rows


def add_offer(rows):
    """provider, format and date of each row (a few dates written by hand, one not a date at all)."""
    rng = random.Random(EXTRA_SEED)
    names = list(PROVIDERS)
    for row in rows:
        leaning = [n for n in names if row["theme"] in PROVIDERS[n]]
        row["provider"] = rng.choice(leaning) if leaning and rng.random() < 0.8 else rng.choice(names)
        row["format"] = rng.choices(FORMATS, weights=[5, 3, 2] if "batiment" in row["theme"] else [3, 4, 3])[0]
        growth = GROWING.get(row["theme"], 1.0)
        year = rng.choices(range(2021, 2026), weights=[growth ** (k / 4) for k in range(5)])[0]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        style = rng.random()
        if style < 0.85:
            row["date"] = f"{year:04d}-{month:02d}-{day:02d}"
        elif style < 0.97:
            row["date"] = f"{day:02d}/{month:02d}/{year:04d}"
        else:
            row["date"] = f"{MONTHS_FR[month - 1]} {year}"
    rows[rng.randrange(len(rows))]["date"] = "à définir"  # a cell that is not a date: kept, with no period


def write(rows, path=OUT):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row[c] for c in COLUMNS])


def report(rows):
    print("Messy rows:")
    for row in rows:
        if row["quirk"] and not row["quirk"].startswith("near-duplicate"):
            print(f"  {row['id']}  {row['theme']:<24} {row['quirk']}")
    print("Near-duplicates (copy <- original):")
    for row in sorted((r for r in rows if "duplicate_of" in r), key=lambda r: r["id"]):
        print(f"  {row['id']} <- {row['duplicate_of']}  {row['quirk'][len('near-duplicate: ') :]}")


def main():
    rows = build()
    write(rows)
    print(f"wrote {len(rows)} rows to {OUT}")
    if "--report" in sys.argv[1:]:
        report(rows)


if __name__ == "__main__":
    main()
