"""Texts the entity tests share, written for them."""

STORY = """Premier Halvorsen rejects pipeline deal

Norwegian Prime Minister Ingrid Halvorsen on Monday rejected the pipeline deal proposed by Brussels.

Halvorsen said the terms were unfair. The Prime Minister later met Nato officials in Oslo.

"We will not sign this," said Finnish Foreign Minister Pekka Laine, whose country holds the Nordic Council presidency.

Laine's deputy, Sanna Virta, the head of the ministry's legal team, travelled to Helsinki on Tuesday.

NATO said the alliance would keep its patrols in the North Sea. The United Nations also weighed in, and a UN spokesman said talks should continue.
"""


TITLED = """Prosecutors close the inquiry

Deputy Director of Public Prosecution Anna-Lena Vikstrom said on Tuesday that the case was closed.

Republican Gov. Eric Dunmore signed the bill, and Kentucky GOP Gov. Matt Brevin criticised it.

The group's co-founder, Jean-Paul Marchetti, said the court was wrong. Former editor-in-chief Ola Brandt agreed.

Dunmore’s 2016 campaign raised more money than any other.
"""
