"""Seed the policy categories (001 §4.7.4.1-12, §6.1.2-6.1.6; 000 Online Conduct)."""

from django.db import migrations

# code, name, clause, severity, screening rule codes, description
CATEGORIES = [
    ("threat", "Threatening, harassing or hostile", "001 §4.7.4.1, §6.1.4, §6.1.5", 5, ["threat"],
     "Threats, harassment or hostility towards any individual or entity; personal attacks."),
    ("discrimination", "Discrimination or hate speech", "001 §4.7.4.1, §4.7.4.7; 000 Online Conduct ¶1", 5,
     ["discrimination"],
     "Disability, age, race, gender, religion or sexual discrimination; content inciting hatred."),
    ("illegal", "Illegal content or support for illegal activity", "001 §4.7.4.2, §4.7.4.11, §8.1", 5, [],
     "Support for illegal activities or organisations, or unlawful content: report to the police."),
    ("personal_data", "Personal data of others", "001 §4.7.4.6, §4.7.4.8; 004 §5.4", 4, ["personal_data"],
     "Information that could locate or identify a person, posted without their consent."),
    ("confidential", "Confidential University information", "001 §4.7.4.4; 004 §5.3", 4, [],
     "Funding bids, personnel matters, business strategy or non-public news."),
    ("security_risk", "Security risk", "001 §4.7.4.10; 004 §5.2", 4, [],
     "Content that creates a security risk for the University, its staff or students (phishing, malware)."),
    ("profanity", "Profanity, obscenity or vulgarity", "001 §6.1.3, §6.1.4, §4.7.4.7", 3, ["profanity"],
     "Expletives, obscenity, vulgarity and insults."),
    ("spam", "Spam or malicious links", "001 §4.7.4.7, §6.1.6", 3, ["spam_link"],
     "Bulk messages, shortened or malicious links, scams, fraudulent reviews, fake friends."),
    ("grievance", "Internal grievances or comments on staff and students", "001 §4.7.4.3", 3,
     ["allegation"],  # since 0003: allegations of misconduct against staff
     "Airing internal grievances or ill-considered judgements about staff or students."),
    ("rights", "Infringes rights or copyright", "001 §4.7.2, §4.7.4.5, §4.7.4.11, §6.1.6", 3, [],
     "Infringes someone else's rights, copyright or intellectual property."),
    ("reputation", "Damaging to standards or reputation", "001 §4.7.4.9; 004 §4.9, §6.1", 3, [],
     "Likely to harm professional standards or the University's reputation."),
    ("advertising", "Advertising or sales", "001 §6.1.6; 000 Online Conduct ¶4", 2, ["advertising"],
     "Unsolicited advertising, sales or promotion on official channels."),
    ("funding_request", "Funding request", "000 Online Conduct ¶4", 2, ["funding_request"],
     "Requests for money, crowdfunding or sponsorship on official channels."),
    ("charity_promotion", "Promotion of another charity", "000 Online Conduct ¶3", 2, ["charity_promotion"],
     "The University is a charity: promoting other charities on its channels is discouraged."),
    ("misleading", "False or misleading", "001 §4.7.4.12; 000 Online Conduct ¶2", 2, [],
     "Misrepresentation, false claims or falsified job or degree status."),
    ("off_topic", "Off-topic", "001 §6.1.2, §6.1.4", 1, [],
     "Comments not relevant to the topic being discussed."),
]


def seed(apps, schema_editor):
    Category = apps.get_model("moderation", "Category")
    for code, name, clause, severity, rules, description in CATEGORIES:
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "clause": clause,
                "severity": severity,
                "rule_codes": rules,
                "description": description,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("moderation", "Category").objects.filter(
        code__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
