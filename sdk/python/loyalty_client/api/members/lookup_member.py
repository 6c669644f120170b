from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.member_out import MemberOut
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    phone: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    member_code: None | str | Unset = UNSET,
    qr_token: None | str | Unset = UNSET,
    card_code: None | str | Unset = UNSET,
    channel_id: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_phone: None | str | Unset
    if isinstance(phone, Unset):
        json_phone = UNSET
    else:
        json_phone = phone
    params["phone"] = json_phone

    json_email: None | str | Unset
    if isinstance(email, Unset):
        json_email = UNSET
    else:
        json_email = email
    params["email"] = json_email

    json_member_code: None | str | Unset
    if isinstance(member_code, Unset):
        json_member_code = UNSET
    else:
        json_member_code = member_code
    params["member_code"] = json_member_code

    json_qr_token: None | str | Unset
    if isinstance(qr_token, Unset):
        json_qr_token = UNSET
    else:
        json_qr_token = qr_token
    params["qr_token"] = json_qr_token

    json_card_code: None | str | Unset
    if isinstance(card_code, Unset):
        json_card_code = UNSET
    else:
        json_card_code = card_code
    params["card_code"] = json_card_code

    json_channel_id: None | str | Unset
    if isinstance(channel_id, Unset):
        json_channel_id = UNSET
    else:
        json_channel_id = channel_id
    params["channel_id"] = json_channel_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members/lookup",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MemberOut | Problem | None:
    if response.status_code == 200:
        response_200 = MemberOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[MemberOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    phone: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    member_code: None | str | Unset = UNSET,
    qr_token: None | str | Unset = UNSET,
    card_code: None | str | Unset = UNSET,
    channel_id: None | str | Unset = UNSET,

) -> Response[MemberOut | Problem]:
    """ Lookup Member

     Find a member by exactly one of phone, email, member code, QR token, the card's rotating code or a
    channel's customer id (a channel key looks up its own channel's ids only).

    Args:
        phone (None | str | Unset):
        email (None | str | Unset):
        member_code (None | str | Unset):
        qr_token (None | str | Unset):
        card_code (None | str | Unset):
        channel_id (None | str | Unset): `zalo:…`, `shopee:…`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberOut | Problem]
     """


    kwargs = _get_kwargs(
        phone=phone,
email=email,
member_code=member_code,
qr_token=qr_token,
card_code=card_code,
channel_id=channel_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    phone: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    member_code: None | str | Unset = UNSET,
    qr_token: None | str | Unset = UNSET,
    card_code: None | str | Unset = UNSET,
    channel_id: None | str | Unset = UNSET,

) -> MemberOut | Problem | None:
    """ Lookup Member

     Find a member by exactly one of phone, email, member code, QR token, the card's rotating code or a
    channel's customer id (a channel key looks up its own channel's ids only).

    Args:
        phone (None | str | Unset):
        email (None | str | Unset):
        member_code (None | str | Unset):
        qr_token (None | str | Unset):
        card_code (None | str | Unset):
        channel_id (None | str | Unset): `zalo:…`, `shopee:…`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberOut | Problem
     """


    return sync_detailed(
        client=client,
phone=phone,
email=email,
member_code=member_code,
qr_token=qr_token,
card_code=card_code,
channel_id=channel_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    phone: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    member_code: None | str | Unset = UNSET,
    qr_token: None | str | Unset = UNSET,
    card_code: None | str | Unset = UNSET,
    channel_id: None | str | Unset = UNSET,

) -> Response[MemberOut | Problem]:
    """ Lookup Member

     Find a member by exactly one of phone, email, member code, QR token, the card's rotating code or a
    channel's customer id (a channel key looks up its own channel's ids only).

    Args:
        phone (None | str | Unset):
        email (None | str | Unset):
        member_code (None | str | Unset):
        qr_token (None | str | Unset):
        card_code (None | str | Unset):
        channel_id (None | str | Unset): `zalo:…`, `shopee:…`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberOut | Problem]
     """


    kwargs = _get_kwargs(
        phone=phone,
email=email,
member_code=member_code,
qr_token=qr_token,
card_code=card_code,
channel_id=channel_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    phone: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    member_code: None | str | Unset = UNSET,
    qr_token: None | str | Unset = UNSET,
    card_code: None | str | Unset = UNSET,
    channel_id: None | str | Unset = UNSET,

) -> MemberOut | Problem | None:
    """ Lookup Member

     Find a member by exactly one of phone, email, member code, QR token, the card's rotating code or a
    channel's customer id (a channel key looks up its own channel's ids only).

    Args:
        phone (None | str | Unset):
        email (None | str | Unset):
        member_code (None | str | Unset):
        qr_token (None | str | Unset):
        card_code (None | str | Unset):
        channel_id (None | str | Unset): `zalo:…`, `shopee:…`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberOut | Problem
     """


    return (await asyncio_detailed(
        client=client,
phone=phone,
email=email,
member_code=member_code,
qr_token=qr_token,
card_code=card_code,
channel_id=channel_id,

    )).parsed
