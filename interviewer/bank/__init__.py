"""The question bank: YAML files of questions and Markdown reference notes."""

from interviewer.bank.loader import Bank, BankError, load_bank

__all__ = ["Bank", "BankError", "load_bank"]
